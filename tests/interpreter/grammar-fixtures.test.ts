/**
 * Grammar fixtures (`fixtures/*.txt` in Lezer's test format): each source must parse to
 * exactly the tree written under it. They cover every construct, ASI, keyword boundaries,
 * front matter, the main wrapper, the seed syntax and error recovery.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileTests } from "@lezer/generator/test";
import { describe, it } from "vitest";
import { parser } from "../../interpreter/parser.generated.ts";

const files = ["statement", "expression", "asi", "keywords", "front-matter", "recovery"];

for (const file of files) {
  const path = resolve(import.meta.dirname, "fixtures", `${file}.txt`);
  describe(`grammar fixtures: ${file}`, () => {
    for (const { name, run } of fileTests(readFileSync(path, "utf8"), `${file}.txt`)) {
      it(name, () => run(parser));
    }
  });
}
