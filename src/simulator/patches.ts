import { z } from "zod";
import { OrgwatchError } from "../platform/errors.js";
import { appPolicySchema, orgSchema, userSchema, yamlPath } from "./spec.js";

/**
 * A strict schema whose every field is optional and has no default, so that a patch changes only
 * the fields it names (zod's `.partial()` would still fill in defaults).
 */
function patchOf<T extends z.ZodRawShape>(shape: T): z.ZodType<Partial<z.output<z.ZodObject<T>>>> {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    let inner = field as z.ZodType;
    const def = inner.def as { type: string; innerType?: z.ZodType };
    if ((def.type === "default" || def.type === "prefault") && def.innerType) inner = def.innerType;
    fields[key] = inner.optional();
  }
  return z.strictObject(fields) as unknown as z.ZodType<Partial<z.output<z.ZodObject<T>>>>;
}

const orgFields = orgSchema.omit({
  id: true,
  users: true,
  app: true,
  appPolicy: true,
  faults: true,
  scenario: true,
}).shape;

/** Org fields the control API may change (everything but id, users, app, faults, scenario). */
export const orgPatchSchema = patchOf(orgFields);
/** App policy fields, plus a new certificate (rotation) or consumer key. */
export const appPatchSchema = patchOf({
  ...appPolicySchema.shape,
  certificate: z.string(),
  clientId: z.string().min(1),
});
/** User fields, including a rename. */
export const userPatchSchema = patchOf(userSchema.shape);

/** A change to an org. */
export type OrgPatch = z.output<typeof orgPatchSchema>;
/** A change to an org's app. */
export type AppPatch = z.output<typeof appPatchSchema>;
/** A change to a user. */
export type UserPatch = z.output<typeof userPatchSchema>;

/** Validates a patch body; the error names the offending field. */
export function parsePatch<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${yamlPath(i.path) || "(body)"}: ${i.message}`);
  throw new OrgwatchError("USAGE", lines.join("; "));
}
