/**
 * The keys the Compose Specification defines, for telling a key with no IR meaning
 * (kept in vendor.compose) from one docker compose itself rejects (a typo, or a key
 * from another tool). https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json
 */
export const composeServiceKeys: ReadonlySet<string> = new Set(
  (
    'develop deploy annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent command configs container_name cpu_count cpu_percent cpu_shares cpu_quota cpu_period ' +
    'cpu_rt_period cpu_rt_runtime cpus cpuset credential_spec depends_on device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file label_file environment expose ' +
    'extends provider external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels links logging mac_address mem_limit mem_reservation ' +
    'mem_swappiness memswap_limit network_mode models networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles pull_policy ' +
    'pull_refresh_after read_only restart runtime scale security_opt shm_size secrets sysctls stdin_open stop_grace_period stop_signal storage_opt tmpfs tty ulimits use_api_socket ' +
    'user uts userns_mode volumes volumes_from working_dir'
  ).split(' '),
);

export const composeTopLevelKeys: ReadonlySet<string> = new Set(['version', 'name', 'include', 'services', 'models', 'networks', 'volumes', 'secrets', 'configs']);

/** Is this a key compose accepts on a service (or at the top level)? */
export function isComposeKey(key: string, level: 'service' | 'top'): boolean {
  return key.startsWith('x-') || (level === 'service' ? composeServiceKeys : composeTopLevelKeys).has(key);
}
