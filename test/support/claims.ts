// The claims of every service-token kind in one payload (SPEC §5.3, §5.5, §5.6): each kind's
// checks find their members, so one payload serves tests that draw the kind.
export function everyClaim(o: {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  lifetime: number;
}): Record<string, unknown> {
  return {
    iss: o.iss,
    aud: o.aud,
    sub: o.sub,
    did: "d_1",
    cnf: { jkt: "a".repeat(43) },
    aid: "a_1",
    act: "login",
    scope: "events",
    iat: o.iat,
    exp: o.iat + o.lifetime,
    jti: "j".repeat(22),
    ver: 1,
  };
}
