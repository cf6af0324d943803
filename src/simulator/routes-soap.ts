import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  countApiCall,
  deprecationWarning,
  orgByHost,
  sendRest,
  versionState,
} from "./api-guard.js";
import { applyFault } from "./faults.js";
import { lookupSession } from "./sessions.js";
import type { SimState } from "./state.js";
import { NOT_FOUND_BODY, SOAP_INVALID_SESSION, soapFault } from "./wire.js";

const XML_TYPE = "text/xml;charset=UTF-8";
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>';
const ENVELOPE_CLOSE = "</soapenv:Body></soapenv:Envelope>";

/** The first JWT-format-token-friendly SOAP version (jsforce PR #1817). */
export const SOAP_JWT_MIN_VERSION = 68;

const METADATA_TYPES = [
  ["ApexClass", "classes", "cls"],
  ["CustomObject", "objects", "object"],
  ["Layout", "layouts", "layout"],
] as const;

function describeMetadataResult(): string {
  const objects = METADATA_TYPES.map(
    ([name, dir, suffix]) =>
      `<metadataObjects><directoryName>${dir}</directoryName><inFolder>false</inFolder>` +
      `<metaFile>false</metaFile><suffix>${suffix}</suffix><xmlName>${name}</xmlName></metadataObjects>`,
  ).join("");
  return (
    `<describeMetadataResponse><result>${objects}<organizationNamespace></organizationNamespace>` +
    "<partialSaveAllowed>true</partialSaveAllowed><testRequired>false</testRequired></result>" +
    "</describeMetadataResponse>"
  );
}

function listMetadataResult(type: string, userId: string): string {
  if (type !== "ApexClass") return "<listMetadataResponse></listMetadataResponse>";
  return (
    "<listMetadataResponse><result><createdById>" +
    userId +
    "</createdById><createdByName>Integration User</createdByName>" +
    "<createdDate>2026-01-01T00:00:00.000Z</createdDate><fileName>classes/HealthCheck.cls</fileName>" +
    "<fullName>HealthCheck</fullName><id>01pSM0000000001AAA</id><lastModifiedById>" +
    userId +
    "</lastModifiedById><lastModifiedByName>Integration User</lastModifiedByName>" +
    "<lastModifiedDate>2026-01-01T00:00:00.000Z</lastModifiedDate><manageableState>unmanaged</manageableState>" +
    "<type>ApexClass</type></result></listMetadataResponse>"
  );
}

async function fault(reply: FastifyReply, code: string, message: string): Promise<FastifyReply> {
  return reply.code(500).type(XML_TYPE).send(soapFault(code, message));
}

/** Registers the Metadata API SOAP endpoint `POST /services/Soap/m/XX.X` (describeMetadata, listMetadata). */
export function registerSoapRoutes(app: FastifyInstance, state: SimState): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { version = "" } = request.params as { version?: string };
    const body = typeof request.body === "string" ? request.body : "";
    const sessionId = /<(?:\w+:)?sessionId>\s*([^<\s]*)\s*</.exec(body)?.[1] ?? "";
    const found = sessionId ? lookupSession(state, sessionId) : null;
    if (await applyFault(state, found?.org ?? orgByHost(state, request), "soap", request, reply))
      return reply;
    if (!found?.ok) return fault(reply, "INVALID_SESSION_ID", SOAP_INVALID_SESSION);
    const { org, user, session } = found;
    const served = versionState(org, version);
    if (served === "unknown") {
      await sendRest(reply, 404, NOT_FOUND_BODY);
      return reply;
    }
    // errors.md D.11: the code is captured, its text is not, so the faultstring is the bare code
    if (served === "retired") return fault(reply, "UNSUPPORTED_API_VERSION", "");
    if (served === "deprecated") reply.header("warning", deprecationWarning(version));
    if (session.jwt && Number(version) < SOAP_JWT_MIN_VERSION) {
      return fault(reply, "INVALID_SESSION_ID", SOAP_INVALID_SESSION);
    }
    if (!session.scopes.includes("api"))
      return fault(reply, "INVALID_SESSION_ID", SOAP_INVALID_SESSION);
    if (!org.apiEnabled) {
      return fault(
        reply,
        "API_DISABLED_FOR_ORG",
        "API is not enabled for this Organization or Partner",
      );
    }
    // errors.md D.3: SOAP fault sf:API_CURRENTLY_DISABLED for a user without API Enabled
    if (!user.apiEnabled)
      return fault(reply, "API_CURRENTLY_DISABLED", "API is disabled for this User");
    if (!countApiCall(org))
      return fault(reply, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    reply.header("sforce-limit-info", `api-usage=${org.apiUsed}/${org.apiMax}`).type(XML_TYPE);
    if (/<(?:\w+:)?describeMetadata[\s>]/.test(body)) {
      return reply.code(200).send(ENVELOPE_OPEN + describeMetadataResult() + ENVELOPE_CLOSE);
    }
    const type = /<(?:\w+:)?type>\s*([^<\s]+)\s*</.exec(body)?.[1];
    if (/<(?:\w+:)?listMetadata[\s>]/.test(body) && type !== undefined) {
      return reply
        .code(200)
        .send(ENVELOPE_OPEN + listMetadataResult(type, user.userId) + ENVELOPE_CLOSE);
    }
    return fault(
      reply,
      "INVALID_OPERATION",
      "The simulator answers describeMetadata and listMetadata only",
    );
  };
  app.post("/services/Soap/m/:version", handler);
  app.post("/services/Soap/m/:version/:orgId", handler);
}
