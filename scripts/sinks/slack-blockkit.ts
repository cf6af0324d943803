/**
 * The Block Kit checks of the local Slack peer, each a limit of slack.md §7. Returns the Slack
 * error code a real workspace answers for the blocks, or null when they pass.
 */

/** Total block text above which Slack answered `msg_blocks_too_long` (slack.md §7, bolt-js #2509). */
export const BLOCKS_TOO_LONG_AT = 13_200;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function textOf(v: unknown): string | null {
  return isObject(v) && typeof v.text === "string" ? v.text : null;
}

/** The length of every text in a block, for the total-size limit. */
function textLength(block: Json): number {
  let n = 0;
  const add = (v: unknown): void => {
    const t = textOf(v);
    if (t !== null) n += t.length;
  };
  add(block.text);
  for (const list of [block.fields, block.elements]) {
    if (Array.isArray(list)) list.forEach(add);
  }
  return n;
}

/**
 * An `actions` block: 1–25 elements; a button's `text` is plain_text of at most 75 characters,
 * its `action_id` at most 255 and unique in the block, its `value` at most 2,000 (Block Kit
 * reference: actions block, button element).
 */
function actionsProblem(block: Json): boolean {
  const els = block.elements;
  if (!Array.isArray(els) || els.length < 1 || els.length > 25) return true;
  const ids = new Set<string>();
  for (const el of els) {
    if (!isObject(el) || el.type !== "button") return true;
    const t = textOf(el.text);
    if (!isObject(el.text) || el.text.type !== "plain_text" || t === null || t.length > 75) {
      return true;
    }
    if (typeof el.action_id === "string") {
      if (el.action_id.length > 255 || ids.has(el.action_id)) return true;
      ids.add(el.action_id);
    }
    if (el.value !== undefined && (typeof el.value !== "string" || el.value.length > 2000)) {
      return true;
    }
  }
  return false;
}

/** One block against its own limits (slack.md §7 table). */
function blockProblem(block: Json): boolean {
  if (typeof block.block_id === "string" && block.block_id.length > 255) return true;
  switch (block.type) {
    case "header": {
      // header `text`: plain_text only, ≤150 chars
      const t = textOf(block.text);
      return (
        !isObject(block.text) || block.text.type !== "plain_text" || t === null || t.length > 150
      );
    }
    case "section": {
      // section `text` 1–3000 chars; `fields` ≤10 items of ≤2000; one of them required
      const t = textOf(block.text);
      const fields = block.fields;
      if (t === null && !Array.isArray(fields)) return true;
      if (t !== null && (t.length < 1 || t.length > 3000)) return true;
      if (Array.isArray(fields)) {
        if (fields.length > 10) return true;
        if (fields.some((f) => (textOf(f)?.length ?? 2001) > 2000)) return true;
      }
      return false;
    }
    case "context": {
      // context `elements` ≤10
      const els = block.elements;
      return !Array.isArray(els) || els.length < 1 || els.length > 10;
    }
    case "actions":
      return actionsProblem(block);
    case "divider":
    case "image":
    case "rich_text":
    case "markdown":
      return false;
    default:
      return true;
  }
}

/** `invalid_blocks_format`, `invalid_blocks`, `msg_blocks_too_long`, or null (slack.md §2.3, §7). */
export function checkBlocks(raw: unknown): string | null {
  let blocks: unknown = raw;
  if (typeof raw === "string") {
    try {
      blocks = JSON.parse(raw);
    } catch {
      return "invalid_blocks_format";
    }
  }
  if (!Array.isArray(blocks) || !blocks.every(isObject)) return "invalid_blocks_format";
  if (blocks.length > 50) return "invalid_blocks";
  const ids = new Set<string>();
  for (const block of blocks) {
    if (blockProblem(block)) return "invalid_blocks";
    if (typeof block.block_id === "string") {
      // `block_id` unique per message
      if (ids.has(block.block_id)) return "invalid_blocks";
      ids.add(block.block_id);
    }
  }
  const total = blocks.reduce((n, b) => n + textLength(b), 0);
  return total > BLOCKS_TOO_LONG_AT ? "msg_blocks_too_long" : null;
}

/** Parses `blocks` (a JSON string in a form body, slack.md §1.1) after `checkBlocks` passed. */
export function parseBlocks(raw: unknown): unknown[] {
  return typeof raw === "string" ? (JSON.parse(raw) as unknown[]) : (raw as unknown[]);
}
