/* fixadvice.c — see fixadvice.h. */
#include "cmd/fixadvice.h"

#include "fix/plan.h"

int fixadvice_annotate(json_t *findings, const struct kb *kb, const struct engine *en,
		       const struct targets *t, const struct settings *s, json_t **plan,
		       struct err *e)
{
	struct fix_input in = FIX_INPUT_INIT;
	struct fix_plan p = FIX_PLAN_INIT;
	struct fix_ctx c = { s, kb, en, t, findings, &in };
	int rc = -1;

	*plan = NULL;
	if (fixplan_build(&p, &c, -1, e) == 0) {
		fixplan_annotate(&p, findings);
		*plan = fixplan_json(&p, e);
		rc = *plan ? 0 : -1;
	}
	fixplan_release(&p);
	return rc;
}
