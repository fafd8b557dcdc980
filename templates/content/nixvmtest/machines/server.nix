# The server: a web server on port 8080 that the init starts before the machine counts as ready.
{
  vlans = [ 1 ];
  services = [
    {
      name = "web";
      command = "busybox httpd -f -p 8080 -h /srv/www";
      ready = "nc -z 127.0.0.1 8080";
    }
  ];
  files."/srv/www/index.html" = "Hello from the server\n";
}
