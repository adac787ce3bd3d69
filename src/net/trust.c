/* trust.c — extra trust anchors: --cacert, SSL_CERT_FILE, certs.d. See trust.h. */
#include "net/trust.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRUST_FILE_MAX (4u << 20)

static int add_pem_file(struct trust *t, const char *path)
{
	STACK_OF(X509) *sk = t->certs;
	struct stat st;
	BIO *bio = NULL;
	X509 *x;
	size_t k = t->nfiles;
	int got = 0;

	if (k == TRUST_MAX_FILES)
		return 0;
	snprintf(t->files[k], sizeof(t->files[k]), "%s", path);
	t->file_ok[k] = 0;
	t->nfiles++;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)TRUST_FILE_MAX)
		return 0;
	bio = BIO_new_file(path, "r");
	if (!bio)
		goto cleanup;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
		got++;
	}
	t->file_ok[k] = got > 0;
cleanup:
	ERR_clear_error();
	if (bio)
		BIO_free(bio);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int trust_load(struct trust *t, const struct settings *s, const char *registry,
	       struct err *e)
{
	const char *root = getenv("FIXKB_DOCKER_CERTS_D"), *scf = getenv("SSL_CERT_FILE");
	char *names[TRUST_MAX_FILES];
	size_t nn = 0, i;
	struct dirent *de;
	DIR *d = NULL;

	memset(t, 0, sizeof(*t));
	if (curllib_load(e) < 0)
		return -1;
	t->certs = sk_X509_new_null();
	if (!t->certs)
		return err_set(e, "out of memory");
	if (s && s->cacert)
		add_pem_file(t, s->cacert);
	/* SSL_CERT_FILE naming the system bundle adds nothing. */
	if (scf && *scf) {
		const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);

		if (!vi || !vi->cainfo || strcmp(vi->cainfo, scf) != 0)
			add_pem_file(t, scf);
	}
	if (!root || !*root)
		root = TRUST_CERTS_D_DEFAULT;
	if (registry && *registry && !strchr(registry, '/') && strcmp(registry, "..") != 0 &&
	    strcmp(registry, ".") != 0) {
		snprintf(t->certs_d, sizeof(t->certs_d), "%s/%s", root, registry);
		d = opendir(t->certs_d);
	}
	while (d && (de = readdir(d)) != NULL && nn < TRUST_MAX_FILES) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".crt") == 0)
			names[nn++] = strdup(de->d_name);
		if (nn && !names[nn - 1])
			nn--;
	}
	qsort(names, nn, sizeof(names[0]), cmp_names);
	for (i = 0; i < nn; i++) {
		char p[1024];

		snprintf(p, sizeof(p), "%s/%s", t->certs_d, names[i]);
		add_pem_file(t, p);
		free(names[i]);
	}
	if (d)
		closedir(d);
	return 0;
}

void trust_release(struct trust *t)
{
	if (!t)
		return;
	if (t->certs)
		sk_X509_pop_free(t->certs, X509_free);
	t->certs = NULL;
	t->nfiles = 0;
}

json_t *trust_json(const struct trust *t)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	for (i = 0; i < t->nfiles; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "file", json_string(t->files[i]));
		json_object_set_new(f, "loaded", json_boolean(t->file_ok[i]));
		json_array_append_new(a, f);
	}
	json_object_set_new(o, "extra_ca_files", a);
	json_object_set_new(o, "certs_d", t->certs_d[0] ? json_string(t->certs_d) : json_null());
	json_object_set_new(o, "system_store", json_true());
	return o;
}

int trust_count(const struct trust *t)
{
	return t && t->certs ? sk_X509_num(t->certs) : 0;
}

void trust_curl_setup(CURL *h, const struct trust *t)
{
	/* OpenSSL 3 spends ~30 ms parsing the whole system bundle for every
	 * new TLS context. Where libcurl knows the hashed CA directory
	 * (Debian: /etc/ssl/certs), use it alone: roots are then looked up
	 * lazily, per handshake, for the cost of one file. Extra anchors are
	 * added to each request's own store (trust_add_to_store). */
	const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	int own_store = trust_count(t) > 0;

	if (vi && vi->capath && access(vi->capath, R_OK | X_OK) == 0)
		curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
#if LIBCURL_VERSION_NUM >= 0x075700
	if (own_store)
		curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
	(void)own_store;
}

void trust_add_to_store(const struct trust *t, X509_STORE *st)
{
	int i, n = trust_count(t);

	if (!st || n == 0)
		return;
	for (i = 0; i < n; i++)
		X509_STORE_add_cert(st, sk_X509_value(t->certs, i));
	ERR_clear_error();
}

/* Prints into a memory BIO with print, then copies it to out. */
static void bio_line(char *out, size_t len, int (*print)(BIO *, const void *), const void *arg)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;

	out[0] = '\0';
	if (!b)
		return;
	print(b, arg);
	l = BIO_get_mem_data(b, &p);
	if (l > 0)
		snprintf(out, len, "%.*s", (int)l, p);
	BIO_free(b);
}

static int print_name(BIO *b, const void *n)
{
	return X509_NAME_print_ex(b, (const X509_NAME *)n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
}

static int print_time(BIO *b, const void *t)
{
	return ASN1_TIME_print(b, (const ASN1_TIME *)t);
}

void trust_describe_cert(X509 *cert, char *subject, size_t sn, char *issuer, size_t in,
			 char *not_after, size_t nn)
{
	bio_line(subject, sn, print_name, X509_get_subject_name(cert));
	bio_line(issuer, in, print_name, X509_get_issuer_name(cert));
	bio_line(not_after, nn, print_time, X509_get0_notAfter(cert));
}

int trust_error_is_untrusted(long v)
{
	return v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       v == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       v == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
	       v == X509_V_ERR_CERT_UNTRUSTED;
}
