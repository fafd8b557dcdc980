namespace NixVm.Driver;

/// <summary>Which QEMU accelerator a network's machines run with.</summary>
public enum AcceleratorMode
{
    /// <summary>KVM if a test guest really boots under it on this host (the verdict is cached), else TCG.</summary>
    Auto,

    /// <summary>KVM, or a <see cref="NetworkSetupException"/> if <c>/dev/kvm</c> cannot be used.</summary>
    Kvm,

    /// <summary>QEMU's software emulation: slower, works everywhere.</summary>
    Tcg,
}
