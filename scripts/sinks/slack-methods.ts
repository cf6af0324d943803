/**
 * The workspace behind the local Slack peer: channels, messages, threads, and the Web API methods
 * orgwatch calls. Each answer cites slack.md (the wire contract) or, for conversations.*, which
 * slack.md does not cover, the method pages on docs.slack.dev.
 */
import { checkBlocks, parseBlocks } from "./slack-blockkit.js";

/** A message as the peer stores it. */
export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
  reply_broadcast: boolean;
  bot_id: string | null;
  user: string;
}

/** A channel of the workspace and the bot's relation to it. */
export interface ChannelSpec {
  id: string;
  member?: boolean;
  archived?: boolean;
}

/** An answer: HTTP status, JSON body, extra headers. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type Args = Record<string, unknown>;

/** Every platform error is HTTP 200 with `{ok:false,error}` (slack.md §1.2, §9 item 4). */
export function fail(error: string, extra: Record<string, unknown> = {}): Answer {
  return { status: 200, body: { ok: false, error, ...extra } };
}

function ok(body: Record<string, unknown>): Answer {
  return { status: 200, body: { ok: true, ...body } };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The bot's own identity (slack.md §4 `auth.test` example shape). */
export const BOT = { user_id: "U0ORGWATCH", bot_id: "B0ORGWATCH", team_id: "T0LOCAL" };

/** Channels, messages and the methods that read and write them. */
export class Workspace {
  readonly channels = new Map<string, ChannelSpec>();
  readonly store: StoredMessage[] = [];
  #lastMicros = 0;

  constructor(
    channels: ChannelSpec[],
    private readonly now: () => number,
    /** `thread_ts` naming no message: Slack's behaviour is thin (slack.md §5), so a switch. */
    readonly unknownThreadTs: "orphan" | "thread_not_found" = "orphan",
  ) {
    for (const c of channels) this.channels.set(c.id, c);
  }

  /** A `ts` "<seconds>.<6 digits>", unique and increasing per workspace (slack.md §5, §9.6). */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.#lastMicros + 1);
    this.#lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.store.find((m) => m.channel === channel && m.ts === ts);
  }

  /** `channel_not_found`, `is_archived`, `not_in_channel` (slack.md §2.3; §9 item 6). */
  channelProblem(channel: string | undefined, writing: boolean): Answer | null {
    const spec = channel === undefined ? undefined : this.channels.get(channel);
    if (spec === undefined) return fail("channel_not_found");
    if (writing && spec.archived === true) return fail("is_archived");
    if (spec.member === false) return fail("not_in_channel");
    return null;
  }

  /** Text, blocks and metadata checks shared by postMessage and update (slack.md §2.3, §3, §7). */
  contentProblem(args: Args, requireContent: boolean): Answer | null {
    const text = str(args.text);
    if (requireContent && text === undefined && args.blocks === undefined) {
      if (args.attachments === undefined) return fail("no_text");
    }
    // `text` ≤ 4,000 chars: the chat.update page's `msg_too_long` (slack.md §2.1, conflicting)
    if (text !== undefined && text.length > 4000) return fail("msg_too_long");
    if (args.blocks !== undefined) {
      const problem = checkBlocks(args.blocks);
      if (problem !== null) return fail(problem);
    }
    const metadata = this.parseMetadata(args.metadata);
    if (metadata === "bad_format") return fail("invalid_metadata_format");
    if (metadata === "bad_schema") return fail("invalid_metadata_schema");
    return null;
  }

  /** `metadata` is JSON `{event_type, event_payload}` sent as a string (slack.md §2.1). */
  parseMetadata(raw: unknown): StoredMessage["metadata"] | "bad_format" | "bad_schema" | null {
    if (raw === undefined) return null;
    let value: unknown = raw;
    if (typeof raw === "string") {
      try {
        value = JSON.parse(raw);
      } catch {
        return "bad_format";
      }
    }
    if (typeof value !== "object" || value === null) return "bad_format";
    const m = value as Record<string, unknown>;
    if (Object.keys(m).length === 0) return null;
    if (typeof m.event_type !== "string" || typeof m.event_payload !== "object")
      return "bad_schema";
    return m as StoredMessage["metadata"];
  }

  /** `chat.postMessage` (slack.md §2, §5, §9 items 6–7). */
  postMessage(args: Args): Answer {
    const channel = str(args.channel);
    const problem = this.channelProblem(channel, true) ?? this.contentProblem(args, true);
    if (problem !== null || channel === undefined) return problem ?? fail("channel_not_found");
    const threadTs = str(args.thread_ts);
    if (threadTs !== undefined && this.find(channel, threadTs) === undefined) {
      if (this.unknownThreadTs === "thread_not_found") return fail("thread_not_found");
    }
    const metadata = this.parseMetadata(args.metadata);
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text: str(args.text) ?? "",
      ...(args.blocks !== undefined ? { blocks: parseBlocks(args.blocks) } : {}),
      ...(typeof metadata === "object" && metadata !== null ? { metadata } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      reply_broadcast: args.reply_broadcast === true,
      bot_id: BOT.bot_id,
      user: BOT.user_id,
    };
    this.store.push(message);
    // The answer echoes `thread_ts` for replies; `channel` is always the ID (slack.md §2.2).
    return ok({ channel, ts: message.ts, message: this.view(message, true) });
  }

  /** `chat.update`: the blocks/text replacement and metadata rules of slack.md §3. */
  update(args: Args): Answer {
    const channel = str(args.channel);
    const ts = str(args.ts);
    const problem = this.channelProblem(channel, true) ?? this.contentProblem(args, false);
    if (problem !== null) return problem;
    const message = channel !== undefined && ts !== undefined ? this.find(channel, ts) : undefined;
    if (message === undefined) return fail("message_not_found");
    // "A bot can edit only messages it posted itself"
    if (message.bot_id !== BOT.bot_id) return fail("cant_update_message");
    const text = str(args.text);
    if (args.blocks !== undefined) message.blocks = parseBlocks(args.blocks);
    // "previous blocks will only be retained if the text argument is not provided"
    else if (text !== undefined) delete message.blocks;
    if (text !== undefined) message.text = text;
    // metadata: omitted = kept; `{}` = removed
    if (args.metadata !== undefined) {
      const metadata = this.parseMetadata(args.metadata);
      if (typeof metadata === "object" && metadata !== null) message.metadata = metadata;
      else delete message.metadata;
    }
    return ok({ channel, ts, text: message.text, message: this.view(message, true) });
  }

  /** A message as the API shows it; metadata only when asked (`include_all_metadata`). */
  view(m: StoredMessage, withMetadata: boolean): Record<string, unknown> {
    const replies = this.store.filter((r) => r.channel === m.channel && r.thread_ts === m.ts);
    return {
      type: "message",
      ...(m.bot_id !== null ? { subtype: "bot_message", bot_id: m.bot_id } : {}),
      text: m.text,
      ts: m.ts,
      user: m.user,
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      // A parent carries its own ts as thread_ts and a reply_count (slack.md §5)
      ...(replies.length > 0 ? { thread_ts: m.ts, reply_count: replies.length } : {}),
      ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    };
  }

  /**
   * `conversations.history`: parent messages only, newest first, `limit` default 100 (max 999),
   * `oldest`/`latest` exclusive unless `inclusive`, cursor pagination (docs.slack.dev method
   * page; slack-api-ref `conversations.history.json`).
   */
  history(args: Args): Answer {
    const channel = str(args.channel);
    const problem = this.channelProblem(channel, false);
    if (problem !== null) return problem;
    const top = this.store
      .filter((m) => m.channel === channel)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast)
      .filter((m) => inRange(m.ts, args))
      .reverse();
    return page(top, args, 100, 999, (m) => this.view(m, args.include_all_metadata === true));
  }

  /**
   * `conversations.replies`: the parent then its replies, oldest first; `ts` must name an
   * existing message (`thread_not_found`); `limit` default 1000 (docs.slack.dev method page).
   */
  replies(args: Args): Answer {
    const channel = str(args.channel);
    const problem = this.channelProblem(channel, false);
    if (problem !== null) return problem;
    const ts = str(args.ts);
    const parent = channel !== undefined && ts !== undefined ? this.find(channel, ts) : undefined;
    if (parent === undefined) return fail("thread_not_found");
    const thread = [
      parent,
      ...this.store.filter((m) => m.channel === channel && m.thread_ts === ts && m !== parent),
    ].filter((m) => inRange(m.ts, args));
    return page(thread, args, 1000, 1000, (m) => this.view(m, args.include_all_metadata === true));
  }
}

function inRange(ts: string, args: Args): boolean {
  const t = Number(ts);
  const inclusive = args.inclusive === true;
  const oldest = str(args.oldest);
  const latest = str(args.latest);
  if (oldest !== undefined && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
  if (latest !== undefined && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
  return true;
}

/** Cursor pagination: `response_metadata.next_cursor` and `has_more` (docs.slack.dev). */
function page(
  items: StoredMessage[],
  args: Args,
  defaultLimit: number,
  maxLimit: number,
  view: (m: StoredMessage) => Record<string, unknown>,
): Answer {
  const requested = Number(args.limit ?? defaultLimit);
  const limit = Math.min(
    Number.isFinite(requested) && requested > 0 ? requested : defaultLimit,
    maxLimit,
  );
  const cursor = str(args.cursor);
  const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, "base64").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) return fail("invalid_cursor");
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const next = more ? Buffer.from(String(start + limit)).toString("base64") : "";
  return ok({
    messages: slice.map(view),
    has_more: more,
    response_metadata: { next_cursor: next },
  });
}
