/** The token of an `Authorization: Bearer <token>` header, if the header is one. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  authorization ? /^bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
