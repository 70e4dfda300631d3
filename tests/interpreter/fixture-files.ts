/**
 * Reads the front end's fixture files: sections separated by `=== name` lines, with `#`
 * comment lines before the first section.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ConformanceCase, loadCases } from "./conformance-cases.ts";

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

/** Every case of the shared conformance suite (or its vendored copy), with its file. */
export function conformanceCases(): ConformanceCase[] {
  return loadCases();
}
