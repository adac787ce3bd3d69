"""What run-cases.py and run-real.py run explain in: no CI or Docker
settings of the caller, a scratch HOME and DOCKER_CONFIG."""
import os
import tempfile


def explain_env(prefix):
    """(env, scratch): the environment for fixkb explain and its scratch dir."""
    env = dict(os.environ, NO_COLOR="1", LANG="C")
    for var in ("DOCKER_AUTH_CONFIG", "GITHUB_ACTIONS", "GITLAB_CI", "CI", "FIXKB_KB_DIR"):
        env.pop(var, None)
    scratch = tempfile.mkdtemp(prefix=prefix)
    env["HOME"] = scratch
    env["DOCKER_CONFIG"] = os.path.join(scratch, ".docker")
    return env, scratch
