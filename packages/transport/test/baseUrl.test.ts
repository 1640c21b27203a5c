import { describe, expect, it } from "vitest";
import { checkApiKey, checkBaseUrl } from "../src/internal/baseUrl.js";

describe("checkBaseUrl", () => {
  it("accepts HTTPS anywhere and HTTP only on loopback", () => {
    expect(checkBaseUrl("https://api-v3.wattwatchers.com.au")).toEqual({ url: "https://api-v3.wattwatchers.com.au/" });
    expect(checkBaseUrl("https://proxy.example.com/ww/v3")).toEqual({ url: "https://proxy.example.com/ww/v3/" });
    for (const ok of ["http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:3000", "http://[::1]:9000"]) {
      expect(checkBaseUrl(ok)).toHaveProperty("url");
    }
    for (const bad of ["http://example.com", "http://10.0.0.1", "http://127.0.0.1.evil.com", "ftp://127.0.0.1", "not a url"]) {
      expect(checkBaseUrl(bad)).toHaveProperty("reason");
    }
    expect(checkBaseUrl("https://user:pw@example.com")).toHaveProperty("reason");
  });
});

describe("checkApiKey", () => {
  it("refuses keys that would corrupt the header, without echoing them", () => {
    expect(checkApiKey("key_abcdefghijklmnopqrstuvwxyz012345")).toBeUndefined();
    for (const bad of ["", "key_with space", "key_new\nline", "Bearer key_x", 42]) {
      const reason = checkApiKey(bad);
      expect(reason).toBeTypeOf("string");
      if (typeof bad === "string" && bad.length > 3) expect(reason).not.toContain(bad);
    }
  });
});
