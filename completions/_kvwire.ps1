
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kvwire' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kvwire'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kvwire' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'dry-run')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'y')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'yes')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'detailed-exitcode')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Cluster-level changes')
            [CompletionResult]::new('nodepool', 'nodepool', [CompletionResultType]::ParameterValue, 'Node pool operations')
            [CompletionResult]::new('kubelet-identity', 'kubelet-identity', [CompletionResultType]::ParameterValue, 'Print the kubelet''s managed identity (clientId, objectId, resourceId); `-o env` prints `export KEY=''value''` lines for `eval`')
            [CompletionResult]::new('workload-identity', 'workload-identity', [CompletionResultType]::ParameterValue, 'Workload identity for a service account: OIDC issuer, a user-assigned identity, and a federated credential (or, with --binding, an AKS identity binding)')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give a workload least-privilege read access to Key Vault secrets (RBAC role or access policy)')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'Key Vault secrets')
            [CompletionResult]::new('manifests', 'manifests', [CompletionResultType]::ParameterValue, 'Emit Kubernetes YAML: SecretProviderClass, ServiceAccount and (optionally) a Deployment mounting the vault''s secrets. Values are read from Azure (or given with --offline)')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check SecretProviderClass manifests against the Azure provider''s rules')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show every change a runbook would make (reads only)')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Apply a runbook in dependency order; re-running continues after a failure and duplicates nothing')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a saved plan (`kvwire plan --out FILE`) as text, or as JSON with -o json')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Remove what kvwire created for a runbook (never cluster settings; secrets only when asked)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a runbook''s setup end to end: ✔/✘ per check with the command that fixes it')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move a team off aad-pod-identity onto workload identity, keeping its identity')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented runbook for a cluster and a vault, pre-filled from what Azure holds')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until no operation runs on a cluster or its node pools (after --no-wait, an interrupt or someone else''s change)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;cluster' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            [CompletionResult]::new('enable-managed-identity', 'enable-managed-identity', [CompletionResultType]::ParameterValue, 'Switch the cluster''s control plane from a service principal to a managed identity')
            [CompletionResult]::new('enable-csi-driver', 'enable-csi-driver', [CompletionResultType]::ParameterValue, 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;cluster;enable-managed-identity' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--assign-identity', '--assign-identity', [CompletionResultType]::ParameterName, 'Use this user-assigned identity (resource ID) instead of a system-assigned one')
            [CompletionResult]::new('--acr', '--acr', [CompletionResultType]::ParameterName, 'Also grant the kubelet identity AcrPull on this registry (name or resource ID; repeatable), beside the registries where the old service principal holds AcrPull')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--no-regrant-acr', '--no-regrant-acr', [CompletionResultType]::ParameterName, 'Do not look up the registries where the old service principal holds AcrPull (that needs Microsoft Graph read access); only `--acr` ones are granted')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;cluster;enable-csi-driver' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--rotation-poll-interval', '--rotation-poll-interval', [CompletionResultType]::ParameterName, 'How often rotation re-reads (a Go duration: 2m, 90s, 1h30m). Absent: as the cluster has it (2m on a new add-on, as in AKS)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--rotation', '--rotation', [CompletionResultType]::ParameterName, 'Re-read mounted secrets from Key Vault periodically, so pods see new versions (the add-on''s `enableSecretRotation`). Neither this nor --no-rotation: as the cluster has it (off on a new add-on, as in AKS)')
            [CompletionResult]::new('--no-rotation', '--no-rotation', [CompletionResultType]::ParameterName, 'Turn secret rotation off')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;cluster;help' {
            [CompletionResult]::new('enable-managed-identity', 'enable-managed-identity', [CompletionResultType]::ParameterValue, 'Switch the cluster''s control plane from a service principal to a managed identity')
            [CompletionResult]::new('enable-csi-driver', 'enable-csi-driver', [CompletionResultType]::ParameterValue, 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;cluster;help;enable-managed-identity' {
            break
        }
        'kvwire;cluster;help;enable-csi-driver' {
            break
        }
        'kvwire;cluster;help;help' {
            break
        }
        'kvwire;nodepool' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            [CompletionResult]::new('upgrade-image', 'upgrade-image', [CompletionResultType]::ParameterValue, 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;nodepool;upgrade-image' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--nodepool', '--nodepool', [CompletionResultType]::ParameterName, 'The node pool to upgrade')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many pools to upgrade at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node pool of the cluster')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Upgrade even when the pool already runs the latest node image (re-images its nodes)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;nodepool;help' {
            [CompletionResult]::new('upgrade-image', 'upgrade-image', [CompletionResultType]::ParameterValue, 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;nodepool;help;upgrade-image' {
            break
        }
        'kvwire;nodepool;help;help' {
            break
        }
        'kvwire;kubelet-identity' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;workload-identity' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'User-assigned identity to create, or adopt when it exists')
            [CompletionResult]::new('--identity-resource-group', '--identity-resource-group', [CompletionResultType]::ParameterName, 'Resource group of the identity (default: the cluster''s)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Kubernetes namespace of the service account')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Kubernetes service account the pods run as')
            [CompletionResult]::new('--credential-name', '--credential-name', [CompletionResultType]::ParameterName, 'Name of the federated credential (default: kvwire-NAMESPACE-SERVICE_ACCOUNT)')
            [CompletionResult]::new('--binding-name', '--binding-name', [CompletionResultType]::ParameterName, 'Identity binding name (default: the identity''s, lower-case letters and digits)')
            [CompletionResult]::new('--principal-wait', '--principal-wait', [CompletionResultType]::ParameterName, 'Keep retrying this long while Azure catches up with a just-created identity')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Rewrite a federated credential of the same name that trusts another issuer or subject (held otherwise: the pods it trusts now would lose access; at a terminal kvwire asks)')
            [CompletionResult]::new('--binding', '--binding', [CompletionResultType]::ParameterName, 'An AKS identity binding instead of a federated credential: any number of service accounts (RBAC from `kvwire manifests --mode identity-binding`)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;grant' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the vault; also the default group for kubelet:, addon: and identity: targets')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the vault; also the default group for kubelet:, addon: and identity: targets')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Who gets access: kubelet:[RG/]CLUSTER, addon:[RG/]CLUSTER (the CSI driver add-on''s identity), identity:[RG/]NAME or principal:OBJECT_ID')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'secrets-user (read secret values; the default), secrets-officer (manage secrets; not for workloads), a role''s name as az takes it ("Key Vault Secrets User"), or a role definition GUID')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The whole vault, or one secret (secret:NAME, RBAC vaults only)')
            [CompletionResult]::new('--principal-type', '--principal-type', [CompletionResultType]::ParameterName, 'Kind of principal for principal: targets (identities and kubelets are service principals)')
            [CompletionResult]::new('--principal-wait', '--principal-wait', [CompletionResultType]::ParameterName, 'Keep retrying this long while Azure catches up with a just-created identity')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--allow-list', '--allow-list', [CompletionResultType]::ParameterName, 'Access-policy vaults: also grant `list` (enumerate secret names), not only `get`')
            [CompletionResult]::new('--allow-broad', '--allow-broad', [CompletionResultType]::ParameterName, 'Allow a role broader than reading secrets (Secrets Officer, Key Vault Administrator, Owner, …) for a workload')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;secrets' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;secrets;seed' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the vault')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the vault')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Take values from a .env file (KEY=value lines)')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'KEY=secret-name, or KEY alone for DB_PASSWORD → db-password; repeat for each secret. Default: DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content type stored with each new version, e.g. text/plain')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Expiry of each new version, RFC 3339 (e.g. 2027-01-31T00:00:00Z)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Secrets read and written at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Take each value from the environment variable named by its KEY')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Take values from .env-style KEY=value lines on standard input')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Seed every key of the file or stdin (env-style names); not with --from-env, which would take the whole environment')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace secrets whose value in the vault differs (each replacement is a new version)')
            [CompletionResult]::new('--recover', '--recover', [CompletionResultType]::ParameterName, 'Recover a soft-deleted secret of the same name, then set it (kvwire never purges)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;secrets;help' {
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;secrets;help;seed' {
            break
        }
        'kvwire;secrets;help;help' {
            break
        }
        'kvwire;manifests' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the vault, and the default for --cluster and --identity')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the vault, and the default for --cluster and --identity')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Kubernetes namespace of the emitted objects')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Identity the pods use to reach Key Vault')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'How the app reads the secrets: mounted files, its own Azure SDK, or both')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A secret to mount (repeat). Default: db-host, db-name, db-username, db-password')
            [CompletionResult]::new('--sync-as-k8s-secret', '--sync-as-k8s-secret', [CompletionResultType]::ParameterName, 'Also sync the secrets into this Kubernetes Secret (keys DB_HOST, …), for env vars')
            [CompletionResult]::new('--deployment', '--deployment', [CompletionResultType]::ParameterName, 'Emit a Deployment with this name that mounts the secrets read-only')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image of the Deployment ([REGISTRY/]NAME[:TAG][@DIGEST])')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'workload-identity: the user-assigned identity; vm-identity: the VMSS identity (omit for system-assigned)')
            [CompletionResult]::new('--identity-resource-group', '--identity-resource-group', [CompletionResultType]::ParameterName, 'Resource group of --identity (default: -g)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'kubelet and addon-identity modes: the AKS cluster (in -g)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Service account the pods run as (workload identity)')
            [CompletionResult]::new('--spc-name', '--spc-name', [CompletionResultType]::ParameterName, 'Name of the SecretProviderClass (default: kvwire-VAULT)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The old name of --spc-name, refused with a message saying so (`-n`/`--name` is the cluster in every other command)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write one file per object into this directory instead of printing them')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'With --offline: the vault''s tenant ID')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'With --offline: the client ID of the identity the pods use')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: YAML documents, also when piped (json: one v1 List)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: YAML documents, also when piped (json: one v1 List)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Read nothing from Azure: take the tenant and client IDs from --tenant-id and --client-id')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;lint' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Also check, with your Azure credentials, that each secret exists in its vault')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat warnings as errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Also save the plan to FILE (mode 0600, written whole or not at all), for `kvwire up --plan FILE` to apply exactly it later; see docs/plan-format.md')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context, if it points at the cluster)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'With --out: refuse, naming the operation, instead of waiting for one that runs on the cluster or its pools (a plan saved meanwhile would be stale before it is reviewed)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when the plan has changes (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('--apply-manifests', '--apply-manifests', [CompletionResultType]::ParameterName, 'Also apply the manifests'' objects to the cluster, as `[manifests] apply = true` does (server-side apply; docs/in-cluster.md)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take over the fields of those objects another field manager owns (else a conflict blocks)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The cluster admin credential from Azure instead of the user one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;up' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). With --plan: default, the one the plan names. Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others, and the exit code is the worst')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). With --plan: default, the one the plan names. Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others, and the exit code is the worst')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Apply exactly this saved plan (`kvwire plan --out FILE`): refused, before any write, when the runbook or Azure changed since; nothing is asked, the plan was the review')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context, if it points at the cluster)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end')
            [CompletionResult]::new('--adopt', '--adopt', [CompletionResultType]::ParameterName, 'Adopt, without asking, an identity, role assignment or secret that exists and that this runbook did not make (made outside kvwire, or by `kvwire grant`/`secrets seed`): its claim is recorded as adopted, which `down` keeps unless --include-adopted. Without it, each adoption is asked at a terminal and held otherwise, and what needs it does not run')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('--apply-manifests', '--apply-manifests', [CompletionResultType]::ParameterName, 'Also apply the manifests'' objects to the cluster, as `[manifests] apply = true` does (server-side apply; docs/in-cluster.md)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take over the fields of those objects another field manager owns (else a conflict blocks)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The cluster admin credential from Azure instead of the user one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;down' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context, if it points at the cluster)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--include-secrets', '--include-secrets', [CompletionResultType]::ParameterName, 'Also soft-delete the secrets kvwire seeded (tagged managed-by=kvwire); they stay recoverable')
            [CompletionResult]::new('--include-adopted', '--include-adopted', [CompletionResultType]::ParameterName, 'Also remove what this runbook adopted rather than made (`up --adopt`, or a yes at its prompt); without it, those are held, kept unless confirmed at the prompt')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Observe and print the plan, but write nothing (reads only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Required to apply when there is no terminal (CI)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 4 when changes are pending and were not applied (0 = nothing to do)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Show the plan a line per step, without its reasons and field changes')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The cluster admin credential from Azure instead of the user one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;verify' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook''s failure does not stop the others')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: text at a terminal, else json; json with --query)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'JMESPath query run on the document before it is written, as az''s --query (jmespath.org)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context, if it points at the cluster)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--in-cluster', '--in-cluster', [CompletionResultType]::ParameterName, 'Fail when the cluster''s API cannot be reached (default: check inside the cluster when it can be, else say why not and go on)')
            [CompletionResult]::new('--no-in-cluster', '--no-in-cluster', [CompletionResultType]::ParameterName, 'Check Azure and the files only, not the objects and pods in the cluster')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The cluster admin credential from Azure instead of the user one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;migrate' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            [CompletionResult]::new('pod-identity', 'pod-identity', [CompletionResultType]::ParameterValue, 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;migrate;pod-identity' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The team''s manifests: YAML files, or directories of .yaml/.yml files (repeatable)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster (with -n)')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster (with -n)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The AKS cluster (default: the kubeconfig''s current context when it is an AKS cluster of the subscription, else the subscription''s only cluster)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The AKS cluster (default: the kubeconfig''s current context when it is an AKS cluster of the subscription, else the subscription''s only cluster)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Write the runbook here (refused if it exists, unless --force)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Write the runbook here (refused if it exists, unless --force)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write the rewritten manifests here (default: workload-identity/ beside the runbook)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the runbook if it exists')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;migrate;help' {
            [CompletionResult]::new('pod-identity', 'pod-identity', [CompletionResultType]::ParameterValue, 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;migrate;help;pod-identity' {
            break
        }
        'kvwire;migrate;help;help' {
            break
        }
        'kvwire;init' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the AKS cluster')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault''s name')
            [CompletionResult]::new('--vault-resource-group', '--vault-resource-group', [CompletionResultType]::ParameterName, 'Resource group of the vault (default: looked up in Azure, else the cluster''s)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How pods reach the vault')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'workload-identity: the user-assigned identity to create (default: id-SERVICE_ACCOUNT)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Kubernetes namespace of the app')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Kubernetes service account the app runs as')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Write the runbook to this file (refused if it exists, unless --force) instead of stdout')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Write the runbook to this file (refused if it exists, unless --force) instead of stdout')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite --file if it exists')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Read nothing from Azure: fill in only what the flags say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;wait' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The runbook whose cluster to wait for')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The runbook whose cluster to wait for')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Resource group of the cluster (with -n)')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the cluster (with -n)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The cluster to wait for (with -g)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The cluster to wait for (with -g)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster to wait for (with -g)')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;completions' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Subscription holding the resources, by ID or name (default: the Azure CLI''s default)')
            [CompletionResult]::new('--cloud', '--cloud', [CompletionResultType]::ParameterName, 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to authenticate')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one HTTP request after this many seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff')
            [CompletionResult]::new('--lro-timeout', '--lro-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for one long-running Azure operation after this many seconds')
            [CompletionResult]::new('--keyvault-rate', '--keyvault-rate', [CompletionResultType]::ParameterName, 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault''s other clients)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (`kvwire help COMMAND` describes every option in full)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr; no progress bars')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour in text output (NO_COLOR is honoured too)')
            break
        }
        'kvwire;help' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Cluster-level changes')
            [CompletionResult]::new('nodepool', 'nodepool', [CompletionResultType]::ParameterValue, 'Node pool operations')
            [CompletionResult]::new('kubelet-identity', 'kubelet-identity', [CompletionResultType]::ParameterValue, 'Print the kubelet''s managed identity (clientId, objectId, resourceId); `-o env` prints `export KEY=''value''` lines for `eval`')
            [CompletionResult]::new('workload-identity', 'workload-identity', [CompletionResultType]::ParameterValue, 'Workload identity for a service account: OIDC issuer, a user-assigned identity, and a federated credential (or, with --binding, an AKS identity binding)')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give a workload least-privilege read access to Key Vault secrets (RBAC role or access policy)')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'Key Vault secrets')
            [CompletionResult]::new('manifests', 'manifests', [CompletionResultType]::ParameterValue, 'Emit Kubernetes YAML: SecretProviderClass, ServiceAccount and (optionally) a Deployment mounting the vault''s secrets. Values are read from Azure (or given with --offline)')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check SecretProviderClass manifests against the Azure provider''s rules')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show every change a runbook would make (reads only)')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Apply a runbook in dependency order; re-running continues after a failure and duplicates nothing')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a saved plan (`kvwire plan --out FILE`) as text, or as JSON with -o json')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Remove what kvwire created for a runbook (never cluster settings; secrets only when asked)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a runbook''s setup end to end: ✔/✘ per check with the command that fixes it')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move a team off aad-pod-identity onto workload identity, keeping its identity')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented runbook for a cluster and a vault, pre-filled from what Azure holds')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until no operation runs on a cluster or its node pools (after --no-wait, an interrupt or someone else''s change)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kvwire;help;cluster' {
            [CompletionResult]::new('enable-managed-identity', 'enable-managed-identity', [CompletionResultType]::ParameterValue, 'Switch the cluster''s control plane from a service principal to a managed identity')
            [CompletionResult]::new('enable-csi-driver', 'enable-csi-driver', [CompletionResultType]::ParameterValue, 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation')
            break
        }
        'kvwire;help;cluster;enable-managed-identity' {
            break
        }
        'kvwire;help;cluster;enable-csi-driver' {
            break
        }
        'kvwire;help;nodepool' {
            [CompletionResult]::new('upgrade-image', 'upgrade-image', [CompletionResultType]::ParameterValue, 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity')
            break
        }
        'kvwire;help;nodepool;upgrade-image' {
            break
        }
        'kvwire;help;kubelet-identity' {
            break
        }
        'kvwire;help;workload-identity' {
            break
        }
        'kvwire;help;grant' {
            break
        }
        'kvwire;help;secrets' {
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments')
            break
        }
        'kvwire;help;secrets;seed' {
            break
        }
        'kvwire;help;manifests' {
            break
        }
        'kvwire;help;lint' {
            break
        }
        'kvwire;help;plan' {
            break
        }
        'kvwire;help;up' {
            break
        }
        'kvwire;help;show' {
            break
        }
        'kvwire;help;down' {
            break
        }
        'kvwire;help;verify' {
            break
        }
        'kvwire;help;migrate' {
            [CompletionResult]::new('pod-identity', 'pod-identity', [CompletionResultType]::ParameterValue, 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does')
            break
        }
        'kvwire;help;migrate;pod-identity' {
            break
        }
        'kvwire;help;init' {
            break
        }
        'kvwire;help;wait' {
            break
        }
        'kvwire;help;completions' {
            break
        }
        'kvwire;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
