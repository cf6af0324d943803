import { Registry } from "prom-client";

/**
 * Families rendered outside prom-client. `prepare` runs at the start of each scrape (it may yield
 * to the event loop and may set registry metrics, which render right after it); the text it
 * returns follows the registry's own families.
 */
export interface StreamedSource {
  prepare(): Promise<AsyncIterable<string>>;
}

/**
 * A prom-client registry whose exposition also carries streamed families. prom-client builds an
 * object per label set and the whole text in one synchronous step: at 100,000 orgs that held the
 * event loop for seconds. Streamed families are written as text in chunks instead.
 */
export class OrgwatchRegistry extends Registry {
  readonly #sources: StreamedSource[] = [];

  /** Adds families to every scrape, after the registry's own and earlier sources'. */
  addSource(source: StreamedSource): void {
    this.#sources.push(source);
  }

  /** The exposition in chunks: the registry's families, then each source's, in a stable order. */
  async *chunks(): AsyncGenerator<string> {
    const tails: AsyncIterable<string>[] = [];
    for (const source of this.#sources) tails.push(await source.prepare());
    yield await super.metrics();
    for (const tail of tails) yield* tail;
  }

  /** The whole exposition as one string (the chunks concatenated). */
  override async metrics(): Promise<string> {
    let text = "";
    for await (const chunk of this.chunks()) text += chunk;
    return text;
  }
}

/** The chunks of any registry's exposition: streamed for ours, one string for a plain one. */
export async function* expositionChunks(registry: Registry): AsyncGenerator<string> {
  if (registry instanceof OrgwatchRegistry) yield* registry.chunks();
  else yield await registry.metrics();
}
