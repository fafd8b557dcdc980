using NixVmTasks.Tests.Support;

// One packed NixVmTasks (and template pack) for every end-to-end test of the run.
[assembly: AssemblyFixture(typeof(LocalFeed))]
