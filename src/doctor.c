#include "doctor.h"

#include <stdio.h>
#include <stdlib.h>

#include "docker/regname.h"

const char *const doctor_probes[] = {
	"config_auth", "docker_auth_config", "cred_helper", "keyring", "token_endpoint", NULL,
};

int doctor_gather(struct targets *t, const struct doctor_request *rq,
		  const struct settings *s, struct err *e)
{
	char path[4096], reg[TARGET_REGISTRY_MAX];
	int i;

	for (i = 0; rq->registries && i < rq->registries->n; i++) {
		if (regname_normalise(rq->registries->items[i], reg, sizeof(reg), e) < 0)
			return err_prefix(e, "--registry '%s'", rq->registries->items[i]);
		if (targets_add(t, reg, NULL, "--registry", 0) < 0)
			return err_set(e, "out of memory");
	}
	for (i = 0; rq->images && i < rq->images->n; i++)
		if (targets_add_image(t, rq->images->items[i], "--image", e) < 0)
			return -1;
	if (rq->context) {
		snprintf(path, sizeof(path), "%s/Dockerfile", rq->context);
		if (targets_add_dockerfile(t, path, 0, e) < 0)
			return -1;
	} else if (targets_add_dockerfile(t, "Dockerfile", 1, e) < 0) {
		return -1;
	}
	if (targets_add_configured(t, s) < 0)
		return err_set(e, "out of memory");
	/* Nothing named anywhere: check Docker Hub, where every unqualified
	 * image goes, so a broken config.json or helper still shows. Only
	 * offline probes: the user asked about no registry. */
	if (t->n == 0) {
		if (targets_add(t, REGNAME_HUB, NULL,
				"Docker Hub, the default registry: no other registry found", 0) < 0)
			return err_set(e, "out of memory");
		t->items[0].implicit = 1;
	}
	return 0;
}

int doctor_run_probes(struct engine *en, const struct targets *t, struct err *e)
{
	struct engine_target *want;
	size_t i, nprobes = 0;
	int rc;

	while (doctor_probes[nprobes])
		nprobes++;
	want = calloc(t->n ? t->n : 1, sizeof(*want));
	if (!want)
		return err_set(e, "out of memory");
	for (i = 0; i < t->n; i++) {
		want[i].registry = t->items[i].registry;
		want[i].image = t->items[i].image[0] ? t->items[i].image : NULL;
		want[i].probes = doctor_probes;
		want[i].nprobes = nprobes;
		want[i].local_only = t->items[i].implicit;
	}
	rc = engine_run_for(en, want, t->n, e);
	free(want);
	return rc;
}

int doctor_failed(const struct engine *en)
{
	size_t i;

	for (i = 0; i < en->n; i++)
		if (en->records[i]->res.status == PROBE_FAIL ||
		    en->records[i]->res.status == PROBE_ERROR)
			return 1;
	return 0;
}
