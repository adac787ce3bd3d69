/* rfc3339.h — the timestamps Go's time.Time accepts from JSON.
 *
 * A token response's issued_at is decoded by encoding/json into a
 * time.Time (containerd core/remotes/docker/auth/fetch.go
 * FetchTokenResponse), whose UnmarshalJSON parses time.RFC3339
 * ("2006-01-02T15:04:05Z07:00", fractional seconds allowed): a malformed
 * one fails the whole decode. Pure; no allocation. */
#ifndef FIXKB_UTIL_RFC3339_H
#define FIXKB_UTIL_RFC3339_H

/* 1 when s (NUL-terminated) is an RFC 3339 timestamp: date, 'T' (or 't'),
 * time with optional fraction, then 'Z' (or 'z') or a +hh:mm / -hh:mm
 * offset; ranges checked field by field (month 1-12, day 1-31, hour 0-23,
 * minute 0-59, second 0-60). 0 otherwise. */
int rfc3339_valid(const char *s);

#endif
