import type { NotifierConfig } from "../../config/alerting.js";
import type { Clock } from "../../platform/clock.js";
import type { Logger } from "../../platform/logger.js";
import type { Notifier } from "../types.js";
import { createEmailNotifier } from "./email.js";
import { createPagerdutyNotifier } from "./pagerduty.js";
import { createSlackNotifier } from "./slack.js";
import { createWebhookNotifier } from "./webhook.js";

/** Builds the notifier of a config entry: one line per kind. */
export function createNotifier(
  config: NotifierConfig,
  deps: { logger: Logger; clock: Clock },
): Notifier {
  switch (config.kind) {
    case "slack":
      return createSlackNotifier(config, deps);
    case "email":
      return createEmailNotifier(config, deps);
    case "webhook":
      return createWebhookNotifier(config, deps);
    case "pagerduty":
      return createPagerdutyNotifier(config, deps);
  }
}
