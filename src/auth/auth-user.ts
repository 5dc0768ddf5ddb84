/** The verified identity behind a request (the JWT's `sub` and `email`). */
export interface AuthUser {
  id: string;
  email?: string;
}
