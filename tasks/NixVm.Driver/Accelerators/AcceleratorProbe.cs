using NixVm.Driver.Processes;
using NixVm.Shared;

namespace NixVm.Driver.Accelerators;

/// <summary>
/// Resolves <see cref="AcceleratorMode.Auto"/>. A readable <c>/dev/kvm</c> is not enough: some hosts
/// (nested PVM, like our CI) expose one on which a stock kernel hangs. So we boot the real guest
/// kernel under KVM with <c>nixvm.probe</c> on its command line (the init prints
/// its probe marker and powers off) and cache the verdict per host kernel, QEMU and guest kernel
/// (<see cref="AcceleratorCache"/>).
/// </summary>
sealed class AcceleratorProbe(string cacheDirectory, string kvmDevice = "/dev/kvm")
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public async Task<AcceleratorVerdict> ResolveAsync(AcceleratorMode mode, string kernel, string initrd, CancellationToken ct)
    {
        switch (mode)
        {
            case AcceleratorMode.Tcg:
                return new("tcg", "asked for TCG");
            case AcceleratorMode.Kvm:
                return KvmUsable(out var why) ? new("kvm", "asked for KVM") : throw new NetworkSetupException($"KVM was asked for but {why}");
        }
        if (!KvmUsable(out var reason)) return new("tcg", reason);
        var key = AcceleratorCache.Key(HostTools.QemuStamp(), kernel);
        var cache = AcceleratorCache.Read(cacheDirectory);
        if (cache.TryGetValue(key, out var cached)) return new(cached.Accelerator, cached.Reason + " (cached)");
        var verdict = await ProbeAsync(kernel, initrd, ct);
        cache[key] = new(verdict.Accelerator, verdict.Reason);
        await AcceleratorCache.WriteAsync(cacheDirectory, cache, ct);
        return verdict;
    }

    bool KvmUsable(out string reason)
    {
        if (!File.Exists(kvmDevice)) { reason = $"{kvmDevice} does not exist"; return false; }
        try
        {
            using var _ = new FileStream(kvmDevice, FileMode.Open, FileAccess.ReadWrite);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"{kvmDevice} cannot be opened ({e.Message}); add yourself to the kvm group";
            return false;
        }
    }

    static async Task<AcceleratorVerdict> ProbeAsync(string kernel, string initrd, CancellationToken ct)
    {
        var qemu = HostTools.Find("qemu-system-x86_64", HostTools.BootstrapHint);
        await using var vm = await ChildProcess.StartAsync(qemu,
        [
            "-machine", "q35,accel=kvm", "-m", "256", "-nodefaults", "-no-user-config", "-nographic", "-vga", "none",
            "-serial", "stdio", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 quiet " + Contract.Guest.ProbeParameter,
        ]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProbeTimeout);
        var stderr = vm.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            while (await vm.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.Contains(Contract.Guest.ProbeMarker, StringComparison.Ordinal))
                    return new("kvm", "a test guest booted under KVM");
            var err = (await stderr).Trim();
            return new("tcg", $"QEMU could not boot a guest under KVM{(err.Length > 0 ? ": " + err : "")}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new("tcg", $"a test guest did not boot under KVM within {ProbeTimeout.TotalSeconds:0} s (this host's /dev/kvm cannot run a stock kernel)");
        }
    }
}
