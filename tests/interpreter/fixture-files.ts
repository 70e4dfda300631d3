/**
 * Reads the front end's fixture files: sections separated by `=== name` lines, with `#`
 * comment lines before the first section.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Section {
  name: string;
  body: string;
}

const fixtureDir = resolve(import.meta.dirname, "fixtures");

/** The `=== name` sections of a fixture file, bodies without their final newline. */
export function readSections(file: string): Section[] {
  const text = readFileSync(resolve(fixtureDir, file), "utf8");
  const sections: Section[] = [];
  for (const chunk of text.split(/^=== /m).slice(1)) {
    const newline = chunk.indexOf("\n");
    sections.push({
      name: chunk.slice(0, newline).trim(),
      body: chunk.slice(newline + 1).replace(/\n$/, ""),
    });
  }
  return sections;
}

/** Every case of the shared conformance suite, with the file it came from. */
export function conformanceCases(): {
  file: string;
  name: string;
  source: string;
  expect: Record<string, unknown>;
}[] {
  const dir = resolve(import.meta.dirname, "../../../shared/conformance");
  const files = ["diagnostics.json", "effects.json", "language.json", "limits.json", "seed.json"];
  return files.flatMap((file) =>
    (JSON.parse(readFileSync(resolve(dir, file), "utf8")) as {
      name: string;
      source: string;
      expect: Record<string, unknown>;
    }[])
      .map((c) => ({ file, ...c }))
  );
}
