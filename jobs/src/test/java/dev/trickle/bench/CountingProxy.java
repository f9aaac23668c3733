package dev.trickle.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay that counts the bytes a server sends to its clients: put between Spark and
 * PostgreSQL, it measures exactly what crossed the network.
 */
final class CountingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicLong fromServer = new AtomicLong();
  private final int targetPort;

  CountingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "counting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Bytes sent by the server since the last reset. */
  long bytes() {
    return fromServer.get();
  }

  void reset() {
    fromServer.set(0);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        pump(client.getInputStream(), upstream.getOutputStream(), null);
        pump(upstream.getInputStream(), client.getOutputStream(), fromServer);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(InputStream in, OutputStream out, AtomicLong counter) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (in; out) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          if (counter != null) {
            counter.addAndGet(n);
          }
        }
      } catch (IOException ignored) {
        // connection closed
      }
    }, "counting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
