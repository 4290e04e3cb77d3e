// Kills the harness's children if the harness dies without cleaning up (SIGKILL, crash): a detached shell waiting for EOF on a pipe.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Processes are recorded in a pid file as they start; when this process is gone, however it
 * ended, the watchdog SIGKILLs every pid still listed. `disarm()` after a normal cleanup empties
 * the lists, so no pid that has since been reused is touched. Listed folders are then removed.
 */
export class ChildWatchdog {
  private readonly file: string;
  private readonly dirs: string;

  constructor(workDir: string) {
    this.file = path.join(workDir, 'child-pids');
    this.dirs = path.join(workDir, 'child-dirs');
    fs.writeFileSync(this.file, '');
    fs.writeFileSync(this.dirs, '');
    // Kill first, then remove the folders the dead processes used (one path per line).
    const script = [
      'cat >/dev/null',
      'for p in $(cat "$1" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done',
      'sleep 1',
      'while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done < "$2" 2>/dev/null',
    ].join('\n');
    const child = spawn('sh', ['-c', script, 'tidegate-conformance-watchdog', this.file, this.dirs], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref(): void }).unref();
  }

  add(pid: number | undefined): void {
    if (pid) fs.appendFileSync(this.file, `${pid}\n`);
  }

  /** Records every process whose command line contains `text` (e.g. the API server's private folder). */
  addMatching(text: string): void {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) this.add(Number(entry));
      } catch {
        // Exited meanwhile.
      }
    }
  }

  /** A folder to remove after the kill (listed last, so this list's own folder can be one). */
  addDir(dir: string): void {
    fs.appendFileSync(this.dirs, `${dir}\n`);
  }

  disarm(): void {
    fs.writeFileSync(this.file, '');
    fs.writeFileSync(this.dirs, '');
  }
}
