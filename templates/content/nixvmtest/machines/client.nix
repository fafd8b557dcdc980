# The client: nothing to start; the tests drive it. Every program on the host is available in it.
{
  vlans = [ 1 ];
}
