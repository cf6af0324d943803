import { inspect } from "node:util";

const REDACTED = "<secret>";

/** A value that never prints: toString, JSON and util.inspect all give `<secret>`. */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The real value, for the one place that must use it (signing, the Authorization header). */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
