/* daemoncfg.h — what the docker daemon's own configuration
 * (/etc/docker/daemon.json) says about a registry.
 *
 * Only "insecure-registries" is read: a registry listed there may be
 * spoken to over plain http (and with an unverified certificate) by
 * dockerd, so fixkb lets credentials go to it over plain http as docker
 * would. The file is read afresh on each call; FIXKB_DAEMON_JSON names
 * another file (tests, rootless set-ups). A missing, unreadable, too
 * large (> 1 MiB) or malformed file declares nothing: the answer is then
 * "not insecure", the safe side. */
#ifndef FIXKB_DOCKER_DAEMONCFG_H
#define FIXKB_DOCKER_DAEMONCFG_H

#include <stddef.h>

#define DAEMONCFG_DEFAULT_PATH "/etc/docker/daemon.json"

/* 1 when an insecure-registries entry of daemon.json covers registry
 * (host[:port], as in an image reference), per
 * daemoncfg_insecure_entry_matches(); 0 otherwise. When file is not NULL
 * the path looked at is written there (cut to n - 1 bytes), even when the
 * file does not exist. */
int daemoncfg_declares_insecure(const char *registry, char *file, size_t n);

/* 1 when one insecure-registries entry covers registry: the rule that
 * daemon.json and `dockerd --insecure-registry` share (moby
 * daemon/pkg/registry/config.go, loadInsecureRegistries and
 * isSecureIndex). An entry is
 *  - "host" or "host:port": equal to registry, byte for byte (no default
 *    port: "reg" does not cover "reg:5000", nor "reg:443" cover "reg");
 *  - the same with "http://" or "https://" (any case) in front, and, as
 *    fixkb also accepts, '/'s behind (dockerd refuses to start on those);
 *  - a CIDR, IPv4 ("10.1.0.0/16") or IPv6 ("fd00::/8"): covers a registry
 *    whose host is an IP literal inside it, whatever the port (an
 *    IPv4-mapped IPv6 host counts as IPv4).
 * Host names are never resolved (dockerd resolves them against CIDRs). */
int daemoncfg_insecure_entry_matches(const char *entry, const char *registry);

#endif
