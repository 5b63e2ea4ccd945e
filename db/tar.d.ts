// The part of node-tar 6 (no bundled types) that db/backup.ts uses.
declare module "tar" {
  export interface CreateOptions {
    file: string;
    cwd?: string;
    gzip?: boolean;
    portable?: boolean;
    noMtime?: boolean;
  }
  export interface ExtractOptions {
    file: string;
    cwd?: string;
    strict?: boolean;
    filter?: (path: string, entry: { type: string }) => boolean;
  }
  export function create(options: CreateOptions, files: string[]): Promise<void>;
  export function extract(options: ExtractOptions): Promise<void>;
  const tar: { create: typeof create; extract: typeof extract };
  export default tar;
}
