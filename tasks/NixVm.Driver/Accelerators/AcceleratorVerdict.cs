namespace NixVm.Driver.Accelerators;

/// <summary>The accelerator chosen for a run, and why.</summary>
/// <param name="Accelerator"><c>kvm</c> or <c>tcg</c>.</param>
/// <param name="Reason">Why: asked for, probed (and whether the probe's verdict was cached), or why KVM cannot be used.</param>
public sealed record AcceleratorVerdict(string Accelerator, string Reason);
