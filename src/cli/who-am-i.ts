import { userInfo } from "node:os";

/** Who decided, for pair_decisions.decided_by: the login name (a container without a passwd entry: $USER). */
export function whoAmI(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || "unknown";
  }
}
