/** The run-wide check for the Debian tools: one message naming every missing tool and its package. */
import * as fs from 'fs';
import * as path from 'path';
import { checkDebianTools, DEBIAN_TOOLS } from './global-setup';
import { tempDir } from './helpers';

describe('the Debian tools check before the run', () => {
  const saved = process.env.PATH ?? '';

  it('passes when every tool is on the PATH (as here)', () => {
    expect(() => checkDebianTools(saved)).not.toThrow();
  });

  it('names every missing tool and the packages to install, once', () => {
    const bin = tempDir('deltacrown-path-');
    fs.symlinkSync(saved.split(':').map((d) => path.join(d, 'amtool')).find((p) => fs.existsSync(p))!, path.join(bin, 'amtool'));
    let message = '';
    try {
      checkDebianTools(bin);
    } catch (e) {
      message = (e as Error).message;
    }
    const missing = Object.keys(DEBIAN_TOOLS).filter((c) => c !== 'amtool');
    expect(message).toBe(
      `the tests run real Debian tools, and ${missing.join(', ')} are not installed: run \`sudo apt-get install -y prometheus prometheus-alertmanager prometheus-blackbox-exporter\` (bash .ci/run installs them)`,
    );
  });
});
