/**
 * Base URL and API key checks done once, when a client is made.
 */

const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  // WHATWG URL keeps IPv6 literals in brackets.
  if (host === "[::1]") return true;
  const octets = host.split(".");
  return (
    octets.length === 4 &&
    octets[0] === "127" &&
    octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
};

/**
 * Parses and checks a base URL: HTTPS, or plain HTTP only on a loopback host (the key travels in a header, so it
 * must never cross a network in clear text). Returns the normalised URL ending in `/`, or a reason.
 */
export const checkBaseUrl = (input: string | URL): { readonly url: string } | { readonly reason: string } => {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return { reason: "baseUrl is not an absolute URL" };
  }
  if (url.username !== "" || url.password !== "") {
    return { reason: "baseUrl must not carry credentials" };
  }
  if (url.search !== "" || url.hash !== "") {
    return { reason: "baseUrl must not have a query or fragment" };
  }
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      return { reason: `baseUrl must use https unless it is loopback (got http://${url.host})` };
    }
  } else if (url.protocol !== "https:") {
    return { reason: `baseUrl must use https (got ${url.protocol})` };
  }
  const href = url.href;
  return { url: href.endsWith("/") ? href : `${href}/` };
};

/**
 * Light shape check of an API key, never echoing it: real keys are `key_` + 32 characters (api-facts.md), but
 * other issuers (simulators, proxies) may differ, so only what would break the `Authorization` header or signal
 * an obvious mistake is refused.
 */
export const checkApiKey = (apiKey: unknown): string | undefined => {
  if (typeof apiKey !== "string") return "apiKey must be a string";
  if (apiKey.length === 0) return "apiKey is empty";
  if (apiKey.length > 512) return "apiKey is longer than 512 characters";
  if (/^bearer\s/i.test(apiKey)) return "apiKey must be the bare key, without the 'Bearer ' prefix";
  // Visible ASCII only: whitespace or control characters would corrupt (or inject into) the header.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) return "apiKey contains whitespace or non-printable characters";
  return undefined;
};
