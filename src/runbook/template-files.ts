// Template files beside a runbook, read so that nothing outside the runbook's folder can be reached.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Reads template files from the folder holding the runbook. Names are checked to stay inside it, and so is
 * the file they reach: a symlink (to a file, or a directory on the way) that leads out of the folder is
 * refused, since its target would be rendered into user_data or a config and sent away.
 */
export function templateFileReader(baseDir: string): (name: string) => string | undefined {
  return (name) => {
    const path = join(baseDir, name);
    let real: string;
    try {
      real = realpathSync(path);
      if (!statSync(real).isFile()) return undefined;
    } catch {
      return undefined;
    }
    const folder = realpathSync(baseDir);
    if (!real.startsWith(folder + sep)) {
      throw new Error(
        `${name} is a link to ${real}, outside the runbook's folder ${folder}; copy the file into the folder instead of linking it`,
      );
    }
    return readFileSync(real, 'utf8');
  };
}
