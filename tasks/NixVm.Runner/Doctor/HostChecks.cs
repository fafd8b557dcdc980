using System.Diagnostics;
using NixVm.Shared;

namespace NixVm.Runner.Doctor;

/// <summary>
/// What a host needs to build and run NixVmTasks networks (the same list scripts/bootstrap installs):
/// every check runs without root and changes nothing.
/// </summary>
static class HostChecks
{
    /// <summary>Free space below which a build of images or a test run may fail.</summary>
    const long MinimumFreeBytes = 2L << 30;

    // Programs the build (nix/builders), the guests' start scripts and the driver run, with their Debian package.
    static readonly (string Program, string Package, string Use)[] Programs =
    [
        ("nix-build", "nix-bin", "builds the images"),
        ("vde_switch", "vde2", "the VLANs"),
        ("socat", "socat", "run-vms' root shells"),
        ("setpriv", "util-linux", "parent-death signals for every VM process"),
        ("cpio", "cpio", "initrd archives"),
        ("lz4", "lz4", "initrd compression"),
        ("zstd", "zstd", "kernel module decompression"),
        ("xz", "xz-utils", "kernel module decompression"),
        ("objcopy", "binutils", "the uncompressed guest kernel"),
    ];

    public static IEnumerable<HostCheck> Run()
    {
        yield return Qemu();
        foreach (var (program, package, use) in Programs)
            yield return Program(program, package, use);
        yield return StaticBinary("/bin/busybox", "busybox-static", "the guests' init and tools");
        yield return StaticBinary("/bin/bash-static", "bash-static", "the guests' root shell");
        yield return NixStore();
        yield return CacheDirectory();
        yield return Kernel();
        yield return Kvm();
        yield return Program("lcov", "lcov", "NixVmCoverage (native coverage reports)", required: false);
        yield return Program("gcc", "gcc", "nixvm.lib.instrumentedProgram (native coverage)", required: false);
        foreach (var check in DiskSpace()) yield return check;
    }

    static HostCheck Program(string program, string package, string use, bool required = true) =>
        HostPath.Find(program) is { } path
            ? new(program, true, $"{path} ({use})", required)
            : new(program, false, $"not on PATH; needed for {use}", required, package);

    static HostCheck StaticBinary(string path, string package, string use) =>
        File.Exists(path) ? new(path, true, use) : new(path, false, $"missing; a static binary for {use}", Package: package);

    static HostCheck Qemu()
    {
        const string package = "qemu-system-x86";
        if (HostPath.Find("qemu-system-x86_64") is not { } qemu)
            return new("qemu-system-x86_64", false, "not on PATH", Package: package);
        var devices = Output(qemu, "-device", "help");
        var netdevs = Output(qemu, "-netdev", "help");
        var missing = new List<string>();
        if (!devices.Contains("virtio-9p-pci", StringComparison.Ordinal)) missing.Add("9p (virtio-9p-pci: the guests' /usr, /etc and /nix/store)");
        if (!netdevs.Split('\n').Any(l => l.Trim() == "vde")) missing.Add("vde (the VLANs)");
        var version = Output(qemu, "--version").Split('\n')[0].Trim();
        return missing.Count == 0
            ? new("qemu-system-x86_64", true, $"{version}, with 9p and vde")
            : new("qemu-system-x86_64", false, $"{version} lacks {string.Join(" and ", missing)}", Package: package,
                Fix: "use a QEMU built with virtfs and vde support (Debian's and Ubuntu's qemu-system-x86 are)");
    }

    static HostCheck NixStore()
    {
        var store = "/nix/store";
        if (!Directory.Exists(store))
            return new(store, false, "does not exist", Fix: "sudo mkdir -p /nix && sudo chown -R $(id -u) /nix   # a single-user store this user may write to");
        return Writable(store)
            ? new(store, true, "writable by this user (single-user Nix)")
            : new(store, false, "not writable by this user", Fix: "sudo chown -R $(id -u) /nix   # single-user Nix: the builds run as you, without a daemon");
    }

    static HostCheck CacheDirectory() =>
        Contract.CacheDirectory() is { } dir
            ? new("cache directory", true, $"{dir} (the guest kernel, the KVM verdict, snapshots)")
            : new("cache directory", false, Contract.NoCacheDirectory, Fix: "set HOME (or NIXVM_CACHE_DIR to a directory of your choice)");

    static HostCheck Kernel()
    {
        if (Contract.KernelDirectory() is not { } dir)
            return new("guest kernel", false, $"nowhere to look: {Contract.Directories.KernelVariable} is not set and there is no cache directory",
                Fix: $"set HOME, or {Contract.Directories.KernelVariable} to the kernel's directory");
        var modules = Path.Combine(dir, "lib", "modules");
        var versions = Directory.Exists(modules) ? Directory.GetDirectories(modules).Select(Path.GetFileName).ToArray() : [];
        var fix = "scripts/bootstrap of the NixVmTasks repository downloads Debian's generic kernel package (apt-get download, never installed into /boot), "
            + "unpacks it with dpkg-deb -x and runs depmod -b; elsewhere unpack a distribution kernel with boot/vmlinuz-<version> and lib/modules/<version>/ "
            + $"(with 9p, virtio and overlay modules) into that directory or point {Contract.Directories.KernelVariable} at one";
        if (versions.Length != 1)
            return new("guest kernel", false, versions.Length == 0 ? $"none in {dir}" : $"several in {modules}: {string.Join(", ", versions)}", Fix: fix);
        var version = versions[0];
        var missing = new[] { Path.Combine(dir, "boot", "vmlinuz-" + version), Path.Combine(modules, version!, "modules.dep") }.Where(f => !File.Exists(f)).ToList();
        return missing.Count == 0
            ? new("guest kernel", true, $"{version} in {dir}")
            : new("guest kernel", false, $"{version} in {dir} lacks {string.Join(", ", missing)}", Fix: fix);
    }

    /// <summary>KVM is optional (guests run under TCG, slower); the verdict is the driver's cached probe.</summary>
    static HostCheck Kvm()
    {
        const string kvm = "/dev/kvm";
        if (!File.Exists(kvm)) return new("KVM", true, $"{kvm} does not exist: guests run under TCG (software emulation)", Required: false);
        try { using var _ = new FileStream(kvm, FileMode.Open, FileAccess.ReadWrite); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new("KVM", false, $"{kvm} cannot be opened ({e.Message}): guests run under TCG", Required: false,
                Fix: "sudo usermod -aG kvm $(id -un), then log in again");
        }
        var verdicts = (Contract.CacheDirectory() is { } cache ? AcceleratorCache.ForThisHost(cache) : []).Select(v => $"last probe: {v.Accelerator} ({v.Reason})").Distinct().ToList();
        var verdict = verdicts.Count == 0
            ? "not probed yet: the first run boots a test guest under KVM (15 s at most) and caches the verdict"
            : string.Join("; ", verdicts);
        return new("KVM", true, $"{kvm} opens; {verdict}", Required: false);
    }

    static IEnumerable<HostCheck> DiskSpace()
    {
        var places = new[] { "/nix", Contract.CacheDirectory(), Path.GetTempPath() }.OfType<string>();
        foreach (var group in places.Where(Directory.Exists).GroupBy(p => new DriveInfo(p).RootDirectory.FullName))
        {
            var free = new DriveInfo(group.Key).AvailableFreeSpace;
            var names = string.Join(", ", group);
            yield return free >= MinimumFreeBytes
                ? new("disk space", true, $"{free >> 20} MiB free for {names}")
                : new("disk space", false, $"only {free >> 20} MiB free for {names} (images, test runs and logs need about {MinimumFreeBytes >> 30} GiB)",
                    Fix: "free space there, e.g. nix-collect-garbage");
        }
    }

    static bool Writable(string dir)
    {
        try
        {
            var probe = Path.Combine(dir, $".nixvm-doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    static string Output(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
