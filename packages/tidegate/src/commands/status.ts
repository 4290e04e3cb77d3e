// `tidegate status [KIND/NAME]`: asks a running control plane's admin endpoint for status.
import { Command } from 'commander';
import { hostPort } from './options';

export function statusCommand(): Command {
  return new Command('status')
    .description('print status conditions and configuration errors from a running control plane')
    .argument('[kind/name]', 'only this object, e.g. HTTPRoute/web or Gateway/default/gw')
    .option('--admin <host:port>', 'control plane admin address', hostPort, { host: '127.0.0.1', port: 15014 })
    .action(async (filter: string | undefined, flags: { admin: { host: string; port: number } }) => {
      const res = await fetch(`http://${flags.admin.host}:${flags.admin.port}/debug/status`);
      const report = (await res.json()) as {
        statuses: Array<{ kind: string; namespace?: string; name: string; status: unknown }>;
        errors: Array<{ object: { kind: string; namespace?: string; name: string }; source?: { file?: string }; path: string; message: string }>;
      };
      const matches = (o: { kind: string; namespace?: string; name: string }): boolean => {
        if (!filter) return true;
        const [kind, ...rest] = filter.split('/');
        const name = rest.join('/');
        return o.kind.toLowerCase() === kind!.toLowerCase() && (name === o.name || name === `${o.namespace}/${o.name}`);
      };
      const out: Record<string, unknown[]> = {
        statuses: report.statuses.filter(matches),
        errors: report.errors.filter((e) => matches(e.object)),
      };
      // For Ingresses, also what became of each annotation (supported, partly, unsupported, invalid).
      if (filter?.split('/')[0]?.toLowerCase() === 'ingress') {
        const ingress = await (await fetch(`http://${flags.admin.host}:${flags.admin.port}/debug/ingress`)).json();
        const findings = (ingress as { findings: Array<{ ingress: { namespace: string; name: string } }> }).findings;
        out.annotations = findings.filter((f) => matches({ kind: 'Ingress', ...f.ingress }));
      }
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      process.exitCode = (out.errors?.length ?? 0) > 0 ? 1 : 0;
    });
}
