/**
 * Share links: the project (flows, mock tasks, inputs) as compressed JSON in the URL's
 * fragment (`#p=…`, deflate-raw then base64url), so a link reproduces a run and the state
 * never reaches a server's logs.
 * @module
 */
import type { Project } from "./examples.ts";

const PREFIX = "p=";

async function pipe(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const piped = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Encodes a project as a URL fragment (without the `#`).
 * @example
 * ```ts
 * const hash = await encodeProject({ workflows: { hi: "return 1" }, tasks: [], inputs: "{}" });
 * location.hash = hash; // "p=q1YqLs3…"
 * ```
 */
export async function encodeProject(project: Project): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(project));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
}

/**
 * Decodes a fragment made by {@link encodeProject}; null when there is none, an error with a
 * precise message when it is damaged.
 * @example
 * ```ts
 * const project = await decodeProject(location.hash.slice(1));
 * ```
 */
export async function decodeProject(fragment: string): Promise<Project | null> {
  if (!fragment.startsWith(PREFIX)) return null;
  let value: unknown;
  try {
    const bytes = await pipe(
      fromBase64Url(fragment.slice(PREFIX.length)),
      new DecompressionStream("deflate-raw"),
    );
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`the shared link is damaged: ${(error as Error).message}`);
  }
  const project = value as Project;
  if (typeof project?.workflows !== "object" || !Array.isArray(project.tasks)) {
    throw new Error("the shared link is damaged: it holds no workflows and tasks");
  }
  return {
    workflows: project.workflows,
    tasks: project.tasks,
    inputs: String(project.inputs ?? "{}"),
  };
}
