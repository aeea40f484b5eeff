// Every error of the API is an RFC 7807 problem; a failed call keeps it whole.

/** An RFC 7807 problem as the server writes it (`errors`: field → reasons, on validation problems). */
export interface Problem {
  type?: string | null;
  title?: string | null;
  status?: number | null;
  detail?: string | null;
  instance?: string | null;
  errors?: Record<string, string[] | string> | null;
  [extension: string]: unknown;
}

/** A failed call. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly problem: Problem | null;
  readonly text: string;

  constructor({ method, path, status, problem, text }: { method: string; path: string; status: number; problem?: Problem | null; text?: string }) {
    super(problem?.title ?? (status ? `HTTP ${status}` : 'The server could not be reached.'));
    this.name = 'ApiError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.problem = problem ?? null;
    this.text = text ?? '';
  }

  /** A readable summary: a heading (title, status, call) and one line per detail or invalid field. */
  describe(): { heading: string; lines: string[] } {
    const p = this.problem;
    const lines: string[] = [];
    if (p?.detail) lines.push(p.detail);
    if (p?.errors && typeof p.errors === 'object') {
      for (const [field, reasons] of Object.entries(p.errors)) {
        for (const reason of ([] as string[]).concat(reasons)) lines.push(`${field}: ${reason}`);
      }
    }
    if (!p && this.text && this.text.length < 300) lines.push(this.text);
    const heading = this.status
      ? `${this.message} (${this.status}, ${this.method} ${this.path})`
      : `${this.message} (${this.method} ${this.path})`;
    return { heading, lines };
  }
}
