import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleLogger, jsonLogger, loggerFromEnv } from "../../worker/logger.ts";

describe("structured logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes one JSON object per line with the execution id the message names", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    jsonLogger(
      "info",
      "completed greet 01a2156f-4c6e-7913-b645-bebafb9d8454 (attempt 1/3) in 3 ms",
    );
    jsonLogger("warn", 'a "quoted"\nmessage');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: "info",
      msg: "completed greet 01a2156f-4c6e-7913-b645-bebafb9d8454 (attempt 1/3) in 3 ms",
      executionId: "01a2156f-4c6e-7913-b645-bebafb9d8454",
    });
    expect(JSON.parse(lines[1]).msg).toBe('a "quoted"\nmessage');
    expect(lines[1]).not.toContain("\n");
  });

  it("is chosen by RHYTHM_LOG=json, the text logger otherwise", () => {
    expect(loggerFromEnv("json")).toBe(jsonLogger);
    expect(loggerFromEnv(" JSON ")).toBe(jsonLogger);
    expect(loggerFromEnv(undefined)).toBe(consoleLogger);
    expect(loggerFromEnv("text")).toBe(consoleLogger);
  });
});
