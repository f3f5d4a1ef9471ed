/**
 * A rule of the domain was broken. `code` is stable: routes map it to a
 * message in the user's language (i18n key `errors.<code>`), and `params`
 * fill that message's placeholders.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;
  readonly status: number;

  constructor(code: string, options: { params?: Record<string, string | number>; status?: number } = {}) {
    super(code);
    this.name = "DomainError";
    this.code = code;
    this.params = options.params ?? {};
    this.status = options.status ?? 400;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL that cannot name a record is "not found", not a database error. */
export function assertRecordId(id: string): void {
  if (!UUID.test(id)) throw new DomainError("notFound", { status: 404 });
}
