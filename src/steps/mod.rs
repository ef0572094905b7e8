//! Every Step kvwire knows: cluster, node pools, identities, access, secrets, files.
