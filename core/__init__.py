"""The foundation beneath the apps: scoping, permissions, history, concurrency, files, jobs,
exports, charts and formats. It imports no app of the project; every app imports it."""
