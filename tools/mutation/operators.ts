/**
 * The mutation operators: each models a bug a person writes (a flipped boundary, an off-by-one
 * limit, a skipped guard, a wrong status or error code, a dropped call), found with the
 * TypeScript parser so that types, imports and comments are never touched.
 *
 * @module
 */
import ts from "typescript";

/** One planted bug: replace `[start, end)` of `file` with `replacement`. */
export interface Mutant {
  /** Stable across line moves: file, enclosing function, operator, hash of the edit, occurrence. */
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly operator: string;
  readonly start: number;
  readonly end: number;
  readonly original: string;
  readonly replacement: string;
}

const FLIP: Record<string, string> = {
  "<": "<=",
  "<=": "<",
  ">": ">=",
  ">=": ">",
  "===": "!==",
  "!==": "===",
  "&&": "||",
  "||": "&&",
  "+": "-",
  "-": "+",
  "*": "/",
  "??": "||",
};

// A wrong status is a neighbouring one a person confuses it with.
const STATUS: Record<number, number> = {
  200: 201,
  201: 200,
  204: 200,
  400: 422,
  401: 403,
  403: 401,
  404: 400,
  409: 400,
  413: 422,
  415: 400,
  422: 400,
  429: 503,
  503: 500,
};

const OTHER_CODE = "ERR_INVALID_INPUT";
const FALLBACK_CODE = "ERR_CLAIM_INVALID";

/** Calls whose removal or change no protocol can observe (logging, diagnostics). */
const SILENT_CALL =
  /^(console\.|log\b|this\.log\b|logger\.|o\.log\b|options\.log\b|warn\b|debug\b)/;

function isTypeContext(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
    if (ts.isTypeNode(n) || ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) return true;
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return true;
    if (ts.isEnumMember(n) || ts.isLiteralTypeNode(n)) return true;
  }
  return false;
}

function enclosingName(node: ts.Node): string {
  for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) {
    if (
      (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isClassDeclaration(n)) &&
      n.name !== undefined
    ) return n.name.getText();
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) return n.name.text;
    if (ts.isPropertyAssignment(n) && !ts.isComputedPropertyName(n.name)) return n.name.getText();
  }
  return "module";
}

/** FNV-1a, 32 bits, hex: a short stable hash of an edit. */
export function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function guardBody(s: ts.Statement): boolean {
  const inner = ts.isBlock(s) && s.statements.length === 1 ? s.statements[0]! : s;
  return ts.isThrowStatement(inner) || ts.isReturnStatement(inner) ||
    ts.isContinueStatement(inner) || ts.isBreakStatement(inner);
}

// Off-by-one where a number is a bound, a limit or a lifetime: an operand, a constant, an
// option default, a returned value. Not radixes, buffer sizes or indexes of helper calls.
function limitLike(n: ts.Node): boolean {
  const p = n.parent;
  if (ts.isPrefixUnaryExpression(p)) return limitLike(p);
  if (ts.isBinaryExpression(p) || ts.isReturnStatement(p) || ts.isParameter(p)) return true;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) return p.initializer === n;
  return false;
}

function silentCall(e: ts.Expression, src: ts.SourceFile): boolean {
  const inner = ts.isAwaitExpression(e) ? e.expression : e;
  if (!ts.isCallExpression(inner)) return false;
  return SILENT_CALL.test(inner.expression.getText(src));
}

/**
 * Every mutant of one source file.
 *
 * @example
 * ```ts
 * mutantsOf("a.ts", "if (n > 100) throw new Error();").map((m) => m.operator);
 * // ["boundary", "guard", "literal", "literal", "negate"]
 * ```
 */
export function mutantsOf(file: string, text: string): Mutant[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Omit<Mutant, "id">[] = [];
  const add = (
    node: ts.Node,
    operator: string,
    replacement: string,
    start?: number,
    end?: number,
  ) => {
    const s = start ?? node.getStart(src);
    const e = end ?? node.getEnd();
    out.push({
      file,
      line: src.getLineAndCharacterOfPosition(s).line + 1,
      operator: `${operator}@${enclosingName(node)}`,
      start: s,
      end: e,
      original: text.slice(s, e),
      replacement,
    });
  };
  const visit = (node: ts.Node): void => {
    if (isTypeContext(node)) return;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.getText(src);
      const to = FLIP[op];
      // "+" on strings is concatenation: only flip it between numeric-looking operands.
      const stringy = op === "+" &&
        (ts.isStringLiteral(node.left) || ts.isStringLiteral(node.right) ||
          ts.isTemplateExpression(node.left) || ts.isTemplateExpression(node.right));
      if (to !== undefined && !stringy) {
        const kind = ["<", "<=", ">", ">="].includes(op)
          ? "boundary"
          : ["===", "!=="].includes(op)
          ? "equality"
          : ["&&", "||", "??"].includes(op)
          ? "logical"
          : "arithmetic";
        add(node.operatorToken, kind, to);
      }
    } else if (ts.isNumericLiteral(node)) {
      const n = Number(node.text);
      const status = STATUS[n];
      if (status !== undefined) add(node, "status", String(status));
      else if (Number.isInteger(n) && limitLike(node)) {
        add(node, "literal", String(n + 1));
        if (n > 0 && ts.isBinaryExpression(node.parent)) add(node, "literal", String(n - 1));
      }
    } else if (ts.isStringLiteral(node) && /^ERR_[A-Z_]+$/.test(node.text)) {
      const to = node.text === OTHER_CODE ? FALLBACK_CODE : OTHER_CODE;
      add(node, "error-code", JSON.stringify(to));
    } else if (
      node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword
    ) {
      add(node, "boolean", node.kind === ts.SyntaxKind.TrueKeyword ? "false" : "true");
    } else if (ts.isIfStatement(node)) {
      add(node.expression, "negate", `!(${node.expression.getText(src)})`);
      if (guardBody(node.thenStatement) && node.elseStatement === undefined) {
        add(node, "guard", ";");
      }
    } else if (
      ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken
    ) {
      add(node, "negate", node.operand.getText(src));
    } else if (ts.isExpressionStatement(node) && !silentCall(node.expression, src)) {
      const e = node.expression;
      const call = ts.isAwaitExpression(e) || ts.isCallExpression(e) ||
        (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) ||
        ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e);
      if (call) add(node, "statement", ";");
    } else if (ts.isConditionalExpression(node)) {
      add(node.condition, "negate", `!(${node.condition.getText(src)})`);
    } else if (
      ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) &&
      node.expression.text === "Math" && (node.name.text === "min" || node.name.text === "max")
    ) {
      add(node.name, "min-max", node.name.text === "min" ? "max" : "min");
    }
    if (ts.isCallExpression(node) && silentCall(node, src)) return;
    ts.forEachChild(node, visit);
  };
  visit(src);
  const seen = new Map<string, number>();
  return out.sort((a, b) => a.start - b.start || a.end - b.end).map((m) => {
    const key = `${m.file}:${m.operator}:${hash(`${m.original}\u2192${m.replacement}`)}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return { ...m, id: k === 0 ? key : `${key}:${k}` };
  });
}

/** `text` with the mutant applied. */
export function apply(text: string, m: Mutant): string {
  if (text.slice(m.start, m.end) !== m.original) throw new Error(`stale mutant ${m.id}`);
  return text.slice(0, m.start) + m.replacement + text.slice(m.end);
}
