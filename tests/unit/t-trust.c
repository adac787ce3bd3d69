/* net/trust.h: extra trust anchors from --cacert, SSL_CERT_FILE and
 * docker's certs.d, built in a scratch dir with certificates made here
 * (OpenSSL, self-signed, P-256); and the verify-error and certificate
 * descriptions the HTTP client reports. */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/trust.h"
#include "t-lib-cfg.h"

/* A self-signed certificate with CN=cn, valid until 2040-01-02 (owned). */
static X509 *make_cert(const char *cn)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;

	if (!k || !x)
		exit(99);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20400102030405Z");
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	if (!X509_sign(x, k, EVP_sha256()))
		exit(99);
	EVP_PKEY_free(k);
	return x;
}

/* Writes the certificates named in cns (comma-separated) as one PEM file
 * at scratch/<rel>; returns the path (static, from spath). */
static const char *put_pem(const char *rel, const char *cns)
{
	char list[256], *save = NULL, *cn;
	FILE *f;

	put(rel, "");
	f = fopen(spath(rel), "w");
	if (!f)
		exit(99);
	snprintf(list, sizeof(list), "%s", cns);
	for (cn = strtok_r(list, ",", &save); cn; cn = strtok_r(NULL, ",", &save)) {
		X509 *x = make_cert(cn);

		PEM_write_X509(f, x);
		X509_free(x);
	}
	fclose(f);
	return spath(rel);
}

static void load(struct trust *t, const char *cacert, const char *registry)
{
	struct settings s = SETTINGS_INIT;
	struct err e = ERR_INIT;

	s.cacert = cacert;
	if (trust_load(t, &s, registry, &e) < 0)
		printf("# trust_load: %s\n", e.msg);
}

static void test_cacert(void)
{
	struct trust t = TRUST_INIT;
	char path[600];

	snprintf(path, sizeof(path), "%s", put_pem("ca/two.pem", "fixkb-ca-1,fixkb-ca-2"));
	load(&t, path, NULL);
	is_int(t.nfiles, 1, "--cacert: one file looked at");
	is_str(t.files[0], path, "--cacert: the file listed");
	ok(t.file_ok[0], "--cacert: loaded");
	is_int(trust_count(&t), 2, "--cacert: both certificates of the file");
	is_str(t.certs_d, "", "no registry: no certs.d looked at");
	trust_release(&t);
	ok(t.certs == NULL && t.nfiles == 0, "released");

	load(&t, spath("ca/missing.pem"), NULL);
	ok(t.nfiles == 1 && !t.file_ok[0] && trust_count(&t) == 0, "--cacert missing: listed, not loaded, no error");
	trust_release(&t);
	load(&t, put("ca/garbage.pem", "not a certificate\n"), NULL);
	ok(t.nfiles == 1 && !t.file_ok[0] && trust_count(&t) == 0, "--cacert not PEM: listed, not loaded");
	trust_release(&t);
	load(&t, spath("ca"), NULL);
	ok(t.nfiles == 1 && !t.file_ok[0], "--cacert a directory: listed, not loaded");
	trust_release(&t);
}

static void test_ssl_cert_file(void)
{
	const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	struct trust t = TRUST_INIT;
	char ca[600];

	snprintf(ca, sizeof(ca), "%s", put_pem("ca/cacert.pem", "fixkb-cacert"));
	setenv("SSL_CERT_FILE", put_pem("ca/env.pem", "fixkb-env"), 1);
	load(&t, ca, NULL);
	is_int(t.nfiles, 2, "SSL_CERT_FILE: looked at after --cacert");
	is_str(t.files[1], spath("ca/env.pem"), "SSL_CERT_FILE: the file listed second");
	ok(t.file_ok[0] && t.file_ok[1] && trust_count(&t) == 2, "SSL_CERT_FILE: loaded");
	trust_release(&t);
	if (vi && vi->cainfo) {
		setenv("SSL_CERT_FILE", vi->cainfo, 1);
		load(&t, NULL, NULL);
		is_int(t.nfiles, 0, "SSL_CERT_FILE naming libcurl's own bundle (%s) adds nothing", vi->cainfo);
		trust_release(&t);
	} else {
		ok(1, "# SKIP libcurl has no CA bundle path");
	}
	setenv("SSL_CERT_FILE", "", 1);
	load(&t, NULL, NULL);
	is_int(t.nfiles, 0, "empty SSL_CERT_FILE adds nothing");
	trust_release(&t);
	unsetenv("SSL_CERT_FILE");
}

static void test_certs_d(void)
{
	struct trust t = TRUST_INIT;
	char dir[600], want[700];

	setenv("FIXKB_DOCKER_CERTS_D", spath("certs.d"), 1);
	put_pem("certs.d/reg.example:5000/b.crt", "fixkb-b");
	put_pem("certs.d/reg.example:5000/a.crt", "fixkb-a1,fixkb-a2");
	put_pem("certs.d/reg.example:5000/client.cert", "fixkb-client");
	put_pem("certs.d/reg.example:5000/ca.pem", "fixkb-pem");
	put_pem("certs.d/reg.example:5000/.crt", "fixkb-dotcrt");
	put("certs.d/reg.example:5000/z.crt", "not PEM\n");
	put_pem("certs.d/other:5000/o.crt", "fixkb-other");
	snprintf(dir, sizeof(dir), "%s", spath("certs.d/reg.example:5000"));

	load(&t, NULL, "reg.example:5000");
	is_str(t.certs_d, dir, "certs.d: <root>/<host:port>");
	is_int(t.nfiles, 3, "certs.d: only *.crt files (not .cert, .pem, nor a bare '.crt')");
	snprintf(want, sizeof(want), "%s/a.crt", dir);
	is_str(t.files[0], want, "certs.d: in name order (a.crt first)");
	snprintf(want, sizeof(want), "%s/b.crt", dir);
	is_str(t.files[1], want, "certs.d: b.crt second");
	ok(t.file_ok[0] && t.file_ok[1] && !t.file_ok[2], "certs.d: z.crt (not PEM) listed, not loaded");
	is_int(trust_count(&t), 3, "certs.d: every certificate of every file");
	trust_release(&t);

	load(&t, NULL, "reg.example");
	ok(t.nfiles == 0 && trust_count(&t) == 0, "certs.d: the port is part of the directory name");
	trust_release(&t);
	load(&t, NULL, "../certs.d/reg.example:5000");
	ok(t.nfiles == 0 && t.certs_d[0] == '\0', "certs.d: a registry with '/' is not a directory name");
	trust_release(&t);
	load(&t, NULL, "..");
	ok(t.nfiles == 0 && t.certs_d[0] == '\0', "certs.d: '..' is not a registry");
	trust_release(&t);

	for (int i = 0; i < TRUST_MAX_FILES + 4; i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "certs.d/many/c%02d.crt", i);
		put_pem(rel, "fixkb-many");
	}
	load(&t, put_pem("ca/first.pem", "fixkb-first"), "many");
	is_int(t.nfiles, TRUST_MAX_FILES, "at most TRUST_MAX_FILES files");
	is_str(t.files[0], spath("ca/first.pem"), "--cacert comes before certs.d");
	trust_release(&t);

	unsetenv("FIXKB_DOCKER_CERTS_D");
	load(&t, NULL, "reg.example:5000");
	is_str(t.certs_d, "/etc/docker/certs.d/reg.example:5000", "certs.d: default root");
	trust_release(&t);
}

static void test_json_and_store(void)
{
	struct trust t = TRUST_INIT;
	X509_STORE *st = X509_STORE_new();
	json_t *j, *files;
	char *d;

	setenv("FIXKB_DOCKER_CERTS_D", spath("certs.d"), 1);
	load(&t, spath("ca/missing.pem"), "other:5000");
	j = trust_json(&t);
	files = json_object_get(j, "extra_ca_files");
	ok(json_array_size(files) == 2, "json: one entry per file");
	ok(json_is_false(json_object_get(json_array_get(files, 0), "loaded")) &&
	   json_is_true(json_object_get(json_array_get(files, 1), "loaded")), "json: loaded per file");
	is_str(json_string_value(json_object_get(json_array_get(files, 0), "file")), spath("ca/missing.pem"),
	       "json: file names");
	is_str(json_string_value(json_object_get(j, "certs_d")), spath("certs.d/other:5000"), "json: certs_d");
	ok(json_is_true(json_object_get(j, "system_store")), "json: system_store true");
	json_decref(j);

	trust_add_to_store(&t, st);
	is_int(sk_X509_OBJECT_num(X509_STORE_get0_objects(st)), 1, "store: the anchor added");
	trust_add_to_store(NULL, st);
	trust_add_to_store(&t, NULL);
	is_int(trust_count(NULL), 0, "count of NULL is 0");
	trust_release(&t);

	load(&t, NULL, NULL);
	j = trust_json(&t);
	d = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(d, "{\"certs_d\":null,\"extra_ca_files\":[],\"system_store\":true}", "json: nothing extra");
	free(d);
	json_decref(j);
	trust_release(&t);
	trust_release(NULL);
	X509_STORE_free(st);
	unsetenv("FIXKB_DOCKER_CERTS_D");
}

static void test_describe(void)
{
	X509 *x = make_cert("fixkb-described");
	char sub[256], iss[256], na[64];

	trust_describe_cert(x, sub, sizeof(sub), iss, sizeof(iss), na, sizeof(na));
	is_str(sub, "CN=fixkb-described", "describe: subject as RFC 2253");
	is_str(iss, "CN=fixkb-described", "describe: issuer (self-signed)");
	is_str(na, "Jan  2 03:04:05 2040 GMT", "describe: notAfter");
	trust_describe_cert(x, sub, 6, iss, sizeof(iss), na, sizeof(na));
	is_str(sub, "CN=fi", "describe: cut to the size given");
	X509_free(x);

	ok(trust_error_is_untrusted(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT), "untrusted: self-signed leaf");
	ok(trust_error_is_untrusted(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN), "untrusted: self-signed root in chain");
	ok(trust_error_is_untrusted(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY), "untrusted: unknown issuer");
	ok(!trust_error_is_untrusted(X509_V_ERR_CERT_HAS_EXPIRED), "not 'untrusted': expired");
	ok(!trust_error_is_untrusted(X509_V_ERR_HOSTNAME_MISMATCH), "not 'untrusted': wrong name");
	ok(!trust_error_is_untrusted(0), "not 'untrusted': no error");
}

int main(void)
{
	struct err e = ERR_INIT;

	/* test_ssl_cert_file asks libcurl for its CA bundle itself. */
	if (!ok(curllib_load(&e) == 0, "libcurl loads (%s)", e.msg))
		return tap_done();
	scratch_init();
	unsetenv("SSL_CERT_FILE");
	unsetenv("FIXKB_DOCKER_CERTS_D");
	test_cacert();
	test_ssl_cert_file();
	test_certs_d();
	test_json_and_store();
	test_describe();
	scratch_done();
	return tap_done();
}
