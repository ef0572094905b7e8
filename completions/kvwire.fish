# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kvwire_global_optspecs
    string join \n h/help subscription= v/verbose q/quiet cloud= auth= ca-bundle= resolve= timeout= retries= lro-timeout= keyvault-rate= no-color o/output= dry-run y/yes detailed-exitcode V/version
end

function __fish_kvwire_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kvwire_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kvwire_using_subcommand
    set -l cmd (__fish_kvwire_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kvwire -n "__fish_kvwire_needs_command" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_needs_command" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_needs_command" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_needs_command" -s o -l output -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
env\t'export KEY=\'value\' lines, safe in eval'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_needs_command" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_needs_command" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_needs_command" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_needs_command" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_needs_command" -l dry-run
complete -c kvwire -n "__fish_kvwire_needs_command" -s y -l yes
complete -c kvwire -n "__fish_kvwire_needs_command" -l detailed-exitcode
complete -c kvwire -n "__fish_kvwire_needs_command" -s V -l version -d 'Print version'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "cluster" -d 'Cluster-level changes'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "nodepool" -d 'Node pool operations'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "kubelet-identity" -d 'Print the kubelet\'s managed identity (clientId, objectId, resourceId); `-o env` prints `export KEY=\'value\'` lines for `eval`'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "workload-identity" -d 'Workload identity for a service account: OIDC issuer, a user-assigned identity, and a federated credential (or, with --binding, an AKS identity binding)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "grant" -d 'Give a workload least-privilege read access to Key Vault secrets (RBAC role or access policy)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "secrets" -d 'Key Vault secrets'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "manifests" -d 'Emit Kubernetes YAML: SecretProviderClass, ServiceAccount and (optionally) a Deployment mounting the vault\'s secrets. Values are read from Azure (or given with --offline)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "lint" -d 'Check SecretProviderClass manifests against the Azure provider\'s rules'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "plan" -d 'Show every change a runbook would make (reads only)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "up" -d 'Apply a runbook in dependency order; re-running continues after a failure and duplicates nothing'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "show" -d 'Print a saved plan (`kvwire plan --out FILE`) as text, or as JSON with -o json'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "down" -d 'Remove what kvwire created for a runbook (never cluster settings; secrets only when asked)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "verify" -d 'Check a runbook\'s setup end to end: ✔/✘ per check with the command that fixes it'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "migrate" -d 'Move a team off aad-pod-identity onto workload identity, keeping its identity'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "init" -d 'Write a commented runbook for a cluster and a vault, pre-filled from what Azure holds'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "wait" -d 'Wait until no operation runs on a cluster or its node pools (after --no-wait, an interrupt or someone else\'s change)'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "completions" -d 'Print shell completions for SHELL to stdout'
complete -c kvwire -n "__fish_kvwire_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -f -a "enable-managed-identity" -d 'Switch the cluster\'s control plane from a service principal to a managed identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -f -a "enable-csi-driver" -d 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and not __fish_seen_subcommand_from enable-managed-identity enable-csi-driver help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l assign-identity -d 'Use this user-assigned identity (resource ID) instead of a system-assigned one' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l acr -d 'Also grant the kubelet identity AcrPull on this registry (name or resource ID; repeatable), beside the registries where the old service principal holds AcrPull' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l no-regrant-acr -d 'Do not look up the registries where the old service principal holds AcrPull (that needs Microsoft Graph read access); only `--acr` ones are granted'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l no-wait -d 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-managed-identity" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l rotation-poll-interval -d 'How often rotation re-reads (a Go duration: 2m, 90s, 1h30m). Absent: as the cluster has it (2m on a new add-on, as in AKS)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l rotation -d 'Re-read mounted secrets from Key Vault periodically, so pods see new versions (the add-on\'s `enableSecretRotation`). Neither this nor --no-rotation: as the cluster has it (off on a new add-on, as in AKS)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l no-rotation -d 'Turn secret rotation off'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l no-wait -d 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from enable-csi-driver" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "enable-managed-identity" -d 'Switch the cluster\'s control plane from a service principal to a managed identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "enable-csi-driver" -d 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation'
complete -c kvwire -n "__fish_kvwire_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -f -a "upgrade-image" -d 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and not __fish_seen_subcommand_from upgrade-image help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l nodepool -d 'The node pool to upgrade' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l parallel -d 'How many pools to upgrade at once' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l all -d 'Every node pool of the cluster'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l force -d 'Upgrade even when the pool already runs the latest node image (re-images its nodes)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l no-wait -d 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from upgrade-image" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from help" -f -a "upgrade-image" -d 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand nodepool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
env\t'export KEY=\'value\' lines, safe in eval'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand kubelet-identity" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l identity -d 'User-assigned identity to create, or adopt when it exists' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l identity-resource-group -d 'Resource group of the identity (default: the cluster\'s)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l namespace -d 'Kubernetes namespace of the service account' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l service-account -d 'Kubernetes service account the pods run as' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l credential-name -d 'Name of the federated credential (default: kvwire-NAMESPACE-SERVICE_ACCOUNT)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l binding-name -d 'Identity binding name (default: the identity\'s, lower-case letters and digits)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l principal-wait -d 'Keep retrying this long while Azure catches up with a just-created identity' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l overwrite -d 'Rewrite a federated credential of the same name that trusts another issuer or subject (held otherwise: the pods it trusts now would lose access; at a terminal kvwire asks)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l binding -d 'An AKS identity binding instead of a federated credential: any number of service accounts (RBAC from `kvwire manifests --mode identity-binding`)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l no-wait -d 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand workload-identity" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l vault -d 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s g -l resource-group -d 'Resource group of the vault; also the default group for kubelet:, addon: and identity: targets' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l to -d 'Who gets access: kubelet:[RG/]CLUSTER, addon:[RG/]CLUSTER (the CSI driver add-on\'s identity), identity:[RG/]NAME or principal:OBJECT_ID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l role -d 'secrets-user (read secret values; the default), secrets-officer (manage secrets; not for workloads), a role\'s name as az takes it ("Key Vault Secrets User"), or a role definition GUID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l scope -d 'The whole vault, or one secret (secret:NAME, RBAC vaults only)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l principal-type -d 'Kind of principal for principal: targets (identities and kubelets are service principals)' -r -f -a "service-principal\t'An application or managed identity'
user\t'A person'
group\t'An Entra group'"
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l principal-wait -d 'Keep retrying this long while Azure catches up with a just-created identity' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l allow-list -d 'Access-policy vaults: also grant `list` (enumerate secret names), not only `get`'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l allow-broad -d 'Allow a role broader than reading secrets (Secrets Officer, Key Vault Administrator, Owner, …) for a workload'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand grant" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -f -a "seed" -d 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and not __fish_seen_subcommand_from seed help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l vault -d 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s g -l resource-group -d 'Resource group of the vault' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l from-file -d 'Take values from a .env file (KEY=value lines)' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l map -d 'KEY=secret-name, or KEY alone for DB_PASSWORD → db-password; repeat for each secret. Default: DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l content-type -d 'Content type stored with each new version, e.g. text/plain' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l expires -d 'Expiry of each new version, RFC 3339 (e.g. 2027-01-31T00:00:00Z)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l concurrency -d 'Secrets read and written at once' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l from-env -d 'Take each value from the environment variable named by its KEY'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l stdin -d 'Take values from .env-style KEY=value lines on standard input'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l all -d 'Seed every key of the file or stdin (env-style names); not with --from-env, which would take the whole environment'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l overwrite -d 'Replace secrets whose value in the vault differs (each replacement is a new version)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l recover -d 'Recover a soft-deleted secret of the same name, then set it (kvwire never purges)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from seed" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "seed" -d 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments'
complete -c kvwire -n "__fish_kvwire_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l vault -d 'The vault: a name (looked up in -g, else in the whole subscription) or its resource ID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -s g -l resource-group -d 'Resource group of the vault, and the default for --cluster and --identity' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l namespace -d 'Kubernetes namespace of the emitted objects' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l mode -d 'Identity the pods use to reach Key Vault' -r -f -a "workload-identity\t'A user-assigned identity federated with the pod\'s service account (recommended)'
identity-binding\t'A user-assigned identity bound to the cluster (AKS identity binding), with RBAC for the service accounts'
kubelet\t'The cluster\'s kubelet identity (every pod on the node can use it)'
vm-identity\t'A managed identity of the node VMSS (--identity), or its system-assigned one'
pod-identity\t'Deprecated AAD pod identity; emitted with a warning'
addon-identity\t'The CSI driver add-on\'s own identity (with --cluster), as the AKS docs use it'"
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l consumer -d 'How the app reads the secrets: mounted files, its own Azure SDK, or both' -r -f -a "csi\t'Secrets mounted as files by the Secrets Store CSI driver'
sdk\t'The app reads Key Vault itself (KEYVAULT_URL, NAME_SECRET_NAME; AZURE_CLIENT_ID on node identities)'
both\t'The mount and the SDK settings'"
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l secret -d 'A secret to mount (repeat). Default: db-host, db-name, db-username, db-password' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l sync-as-k8s-secret -d 'Also sync the secrets into this Kubernetes Secret (keys DB_HOST, …), for env vars' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l deployment -d 'Emit a Deployment with this name that mounts the secrets read-only' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l image -d 'Container image of the Deployment ([REGISTRY/]NAME[:TAG][@DIGEST])' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l identity -d 'workload-identity: the user-assigned identity; vm-identity: the VMSS identity (omit for system-assigned)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l identity-resource-group -d 'Resource group of --identity (default: -g)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l cluster -d 'kubelet and addon-identity modes: the AKS cluster (in -g)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l service-account -d 'Service account the pods run as (workload identity)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l spc-name -d 'Name of the SecretProviderClass (default: kvwire-VAULT)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l name -d 'The old name of --spc-name, refused with a message saying so (`-n`/`--name` is the cluster in every other command)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l out-dir -d 'Write one file per object into this directory instead of printing them' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l tenant-id -d 'With --offline: the vault\'s tenant ID' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l client-id -d 'With --offline: the client ID of the identity the pods use' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -s o -l output -d 'Output format: YAML documents, also when piped (json: one v1 List)' -r -f -a "yaml\t'Kubernetes YAML documents separated by `---` (the default, piped or not)'
json\t'One Kubernetes `v1` List holding every object'"
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l offline -d 'Read nothing from Azure: take the tenant and client IDs from --tenant-id and --client-id'
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand manifests" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: FILE:LINE:COL: error: …, coloured on a terminal'
json\t'One JSON document on stdout (docs/lint.md)'
yaml\t'The JSON document as YAML'
sarif\t'SARIF 2.1.0, for GitHub code scanning (docs/lint.md)'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l online -d 'Also check, with your Azure credentials, that each secret exists in its vault'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l strict -d 'Treat warnings as errors'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand lint" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -s f -l file -d 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook\'s failure does not stop the others' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l out -d 'Also save the plan to FILE (mode 0600, written whole or not at all), for `kvwire up --plan FILE` to apply exactly it later; see docs/plan-format.md' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l kubeconfig -d 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l context -d 'Kubeconfig context to use (default: the current context, if it points at the cluster)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l no-wait -d 'With --out: refuse, naming the operation, instead of waiting for one that runs on the cluster or its pools (a plan saved meanwhile would be stale before it is reviewed)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l detailed-exitcode -d 'Exit 4 when the plan has changes (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l apply-manifests -d 'Also apply the manifests\' objects to the cluster, as `[manifests] apply = true` does (server-side apply; docs/in-cluster.md)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l force-conflicts -d 'Take over the fields of those objects another field manager owns (else a conflict blocks)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l admin -d 'The cluster admin credential from Azure instead of the user one'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand plan" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s f -l file -d 'The runbook (TOML; see docs/runbook.md). With --plan: default, the one the plan names. Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook\'s failure does not stop the others, and the exit code is the worst' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l plan -d 'Apply exactly this saved plan (`kvwire plan --out FILE`): refused, before any write, when the runbook or Azure changed since; nothing is asked, the plan was the review' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l kubeconfig -d 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l context -d 'Kubeconfig context to use (default: the current context, if it points at the cluster)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l no-wait -d 'Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a later run, which adopts it) waits for the end'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l adopt -d 'Adopt, without asking, an identity, role assignment or secret that exists and that this runbook did not make (made outside kvwire, or by `kvwire grant`/`secrets seed`): its claim is recorded as adopted, which `down` keeps unless --include-adopted. Without it, each adoption is asked at a terminal and held otherwise, and what needs it does not run'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l apply-manifests -d 'Also apply the manifests\' objects to the cluster, as `[manifests] apply = true` does (server-side apply; docs/in-cluster.md)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l force-conflicts -d 'Take over the fields of those objects another field manager owns (else a conflict blocks)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l admin -d 'The cluster admin credential from Azure instead of the user one'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand up" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand show" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s f -l file -d 'The runbook (TOML; see docs/runbook.md)' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l kubeconfig -d 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l context -d 'Kubeconfig context to use (default: the current context, if it points at the cluster)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l include-secrets -d 'Also soft-delete the secrets kvwire seeded (tagged managed-by=kvwire); they stay recoverable'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l include-adopted -d 'Also remove what this runbook adopted rather than made (`up --adopt`, or a yes at its prompt); without it, those are held, kept unless confirmed at the prompt'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l dry-run -d 'Observe and print the plan, but write nothing (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s y -l yes -d 'Apply without asking. Required to apply when there is no terminal (CI)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l detailed-exitcode -d 'Exit 4 when changes are pending and were not applied (0 = nothing to do)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l brief -d 'Show the plan a line per step, without its reasons and field changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l admin -d 'The cluster admin credential from Azure instead of the user one'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand down" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -s f -l file -d 'The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one observation, one write per cluster for what they all need, each runbook reported apart; one runbook\'s failure does not stop the others' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -s o -l output -d 'Output format (default: text at a terminal, else json; json with --query)' -r -f -a "text\t'For people: aligned, coloured on a terminal'
json\t'One stable JSON document on stdout (docs/plan-format.md)'
yaml\t'The JSON document as YAML'
tsv\t'Tab-separated values, as az -o tsv writes them (docs/output.md)'
table\t'Columns, as az -o table writes them (docs/output.md)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l query -d 'JMESPath query run on the document before it is written, as az\'s --query (jmespath.org)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l kubeconfig -d 'Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config); without one that points at it, kvwire asks Azure for the cluster user credential' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l context -d 'Kubeconfig context to use (default: the current context, if it points at the cluster)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l in-cluster -d 'Fail when the cluster\'s API cannot be reached (default: check inside the cluster when it can be, else say why not and go on)'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l no-in-cluster -d 'Check Azure and the files only, not the objects and pods in the cluster'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l admin -d 'The cluster admin credential from Azure instead of the user one'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand verify" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -f -a "pod-identity" -d 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and not __fish_seen_subcommand_from pod-identity help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l from -d 'The team\'s manifests: YAML files, or directories of .yaml/.yml files (repeatable)' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s g -l resource-group -d 'Resource group of the cluster (with -n)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s n -l name -d 'The AKS cluster (default: the kubeconfig\'s current context when it is an AKS cluster of the subscription, else the subscription\'s only cluster)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s f -l file -d 'Write the runbook here (refused if it exists, unless --force)' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l out-dir -d 'Write the rewritten manifests here (default: workload-identity/ beside the runbook)' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l force -d 'Overwrite the runbook if it exists'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from pod-identity" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "pod-identity" -d 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does'
complete -c kvwire -n "__fish_kvwire_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s g -l resource-group -d 'Resource group of the cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s n -l name -l cluster -d 'Name of the AKS cluster' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l vault -d 'The vault\'s name' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l vault-resource-group -d 'Resource group of the vault (default: looked up in Azure, else the cluster\'s)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l mode -d 'How pods reach the vault' -r -f -a "workload-identity\t'A user-assigned identity federated with the app\'s service account (recommended)'
kubelet\t'The cluster\'s kubelet identity (every pod on the nodes shares it)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l identity -d 'workload-identity: the user-assigned identity to create (default: id-SERVICE_ACCOUNT)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l namespace -d 'Kubernetes namespace of the app' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l service-account -d 'Kubernetes service account the app runs as' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s f -l file -d 'Write the runbook to this file (refused if it exists, unless --force) instead of stdout' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l force -d 'Overwrite --file if it exists'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l offline -d 'Read nothing from Azure: fill in only what the flags say'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand init" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s f -l file -d 'The runbook whose cluster to wait for' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s g -l resource-group -d 'Resource group of the cluster (with -n)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s n -l name -l cluster -d 'The cluster to wait for (with -g)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand wait" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l subscription -d 'Subscription holding the resources, by ID or name (default: the Azure CLI\'s default)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l cloud -d 'Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l auth -d 'How to authenticate' -r -f -a "auto\t'Workload identity, then a client secret, then managed identity, else the Azure CLI login'
cli\t'The Azure CLI\'s (az login) or Azure Developer CLI\'s account'
env\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
workload\t'Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE'
msi\t'Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)'"
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l ca-bundle -d 'Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy' -r -F
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l resolve -d 'Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l timeout -d 'Give up on one HTTP request after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l retries -d 'Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l lro-timeout -d 'Give up waiting for one long-running Azure operation after this many seconds' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l keyvault-rate -d 'Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault per region; the default leaves headroom for the vault\'s other clients)' -r
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -s h -l help -d 'Print help (`kvwire help COMMAND` describes every option in full)'
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted)'
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr; no progress bars'
complete -c kvwire -n "__fish_kvwire_using_subcommand completions" -l no-color -d 'No colour in text output (NO_COLOR is honoured too)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "cluster" -d 'Cluster-level changes'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "nodepool" -d 'Node pool operations'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "kubelet-identity" -d 'Print the kubelet\'s managed identity (clientId, objectId, resourceId); `-o env` prints `export KEY=\'value\'` lines for `eval`'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "workload-identity" -d 'Workload identity for a service account: OIDC issuer, a user-assigned identity, and a federated credential (or, with --binding, an AKS identity binding)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "grant" -d 'Give a workload least-privilege read access to Key Vault secrets (RBAC role or access policy)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "secrets" -d 'Key Vault secrets'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "manifests" -d 'Emit Kubernetes YAML: SecretProviderClass, ServiceAccount and (optionally) a Deployment mounting the vault\'s secrets. Values are read from Azure (or given with --offline)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "lint" -d 'Check SecretProviderClass manifests against the Azure provider\'s rules'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "plan" -d 'Show every change a runbook would make (reads only)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "up" -d 'Apply a runbook in dependency order; re-running continues after a failure and duplicates nothing'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "show" -d 'Print a saved plan (`kvwire plan --out FILE`) as text, or as JSON with -o json'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "down" -d 'Remove what kvwire created for a runbook (never cluster settings; secrets only when asked)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "verify" -d 'Check a runbook\'s setup end to end: ✔/✘ per check with the command that fixes it'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "migrate" -d 'Move a team off aad-pod-identity onto workload identity, keeping its identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "init" -d 'Write a commented runbook for a cluster and a vault, pre-filled from what Azure holds'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "wait" -d 'Wait until no operation runs on a cluster or its node pools (after --no-wait, an interrupt or someone else\'s change)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "completions" -d 'Print shell completions for SHELL to stdout'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and not __fish_seen_subcommand_from cluster nodepool kubelet-identity workload-identity grant secrets manifests lint plan up show down verify migrate init wait completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "enable-managed-identity" -d 'Switch the cluster\'s control plane from a service principal to a managed identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "enable-csi-driver" -d 'Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts Key Vault secrets into pods; set its secret rotation'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and __fish_seen_subcommand_from nodepool" -f -a "upgrade-image" -d 'Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "seed" -d 'Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault. Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments'
complete -c kvwire -n "__fish_kvwire_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "pod-identity" -d 'Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads, SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure, changes nothing there: `kvwire up -f` does'
