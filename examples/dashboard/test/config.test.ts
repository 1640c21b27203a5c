import { describe, expect, it } from "vitest";
import { configFragment, parseConfig } from "../src/config.ts";

describe("config fragment", () => {
  it("round-trips base URL, key, clock mapping and options", () => {
    const c = {
      baseUrl: "http://127.0.0.1:8080",
      apiKey: "key_0123456789abcdefghijklmnopqrstuv",
      clock: { simStart: 1_767_571_200.5, wallStart: 1_700_000_000_000, speed: 30 },
      deviceEvery: 60_000,
      historyMinutes: 10,
      select: "D123456789012",
    };
    expect(parseConfig(configFragment(c))).toEqual(c);
  });
  it("fills defaults and has no clock mapping unless all three numbers are given", () => {
    const parsed = parseConfig(`${configFragment({ baseUrl: "http://x", apiKey: "key_a" })}&speed=5`);
    expect(parsed).toEqual({ baseUrl: "http://x", apiKey: "key_a", clock: undefined, deviceEvery: 300_000, historyMinutes: 30, select: undefined });
  });
  it("is undefined without a base URL or a key", () => {
    expect(parseConfig("")).toBeUndefined();
    expect(parseConfig("#baseUrl=http%3A%2F%2Fx")).toBeUndefined();
    expect(parseConfig("#key=key_a")).toBeUndefined();
  });
  it("ignores nonsense numbers", () => {
    expect(parseConfig("#baseUrl=u&key=k&deviceEvery=-5&history=abc")).toMatchObject({ deviceEvery: 300_000, historyMinutes: 30 });
  });
});
