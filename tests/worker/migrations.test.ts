import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { migrate } from "../../worker/migrate.ts";
import { migrations } from "../../worker/migrations.generated.ts";
import {
  dumpSchema,
  generatedPath,
  readMigrationFiles,
  renderMigrationsModule,
  schemaPath,
} from "../../scripts/migrations.ts";
import { forEachDriver } from "../helpers/db.ts";
import { createPostgresDb } from "../../worker/db/postgres.ts";
import { inject } from "vitest";

it("the generated migrations module matches migrations/*.sql", () => {
  const expected = renderMigrationsModule(readMigrationFiles());
  expect(readFileSync(generatedPath, "utf8"), "run scripts/migrations.ts bundle").toBe(expected);
});

forEachDriver("migrations", (t) => {
  it("applies nothing on an up-to-date schema", async () => {
    expect(await migrate(t.db)).toEqual({ applied: [], version: migrations.length });
  });

  it("records every migration once", async () => {
    const rows = await t.db.query<{ id: number; name: string }>(
      "select id, name from migrations order by id",
    );
    expect(rows).toEqual(migrations.map((m) => ({ id: m.id, name: m.name })));
  });

  it("refuses a schema newer than the code", async () => {
    await t.db.query("insert into migrations (id, name) values (9999, '9999_future')");
    t.defer(() => t.db.query("delete from migrations where id = 9999"));
    await expect(migrate(t.db)).rejects.toThrow(/migration 9999, newer than this code/);
  });
});

forEachDriver("migrations on a fresh schema", (t) => {
  it("migrates a new schema once when several processes race", async () => {
    const { url } = inject("postgres");
    const schema = `t_race_${Math.random().toString(36).slice(2, 8)}`;
    const dbs = [1, 2, 3, 4].map(() => createPostgresDb(url, { schema, max: 1 }));
    t.defer(async () => {
      await dbs[0].exec(`drop schema if exists "${schema}" cascade`);
      for (const db of dbs) await db.close();
    });
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const applied = results.map((r) => r.applied.length).sort();
    expect(applied).toEqual([0, 0, 0, migrations.length]);
  });

  it("produces exactly the committed schema.sql", async () => {
    const { url } = inject("postgres");
    const schema = `t_dump_${Math.random().toString(36).slice(2, 8)}`;
    const db = createPostgresDb(url, { schema });
    t.defer(async () => {
      await db.exec(`drop schema if exists "${schema}" cascade`);
      await db.close();
    });
    await migrate(db);
    expect(dumpSchema(url, schema), "run scripts/migrations.ts schema").toBe(
      readFileSync(schemaPath, "utf8"),
    );
  });
}, { drivers: ["postgres"] });
