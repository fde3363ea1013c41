import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on 127.0.0.1 only. DynamoDB Local has no option for the bind address and its
 * Jetty server listens on every interface, which the hub's rule "nothing listens beyond loopback" forbids; this
 * launcher builds the server from the usual command line and pins each connector to loopback before starting.
 * Run with Java's single-file source launcher: java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDbLocal.java -port N -inMemory
 * It exits when its standard input reaches end-of-file (its parent has gone), so give it a pipe held open.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) ((ServerConnector) connector).setHost("127.0.0.1");
    }
    // The process that started this one holds our standard input open and never writes to it: end-of-file means it
    // has gone, however it went (a SIGKILL runs no stop), and DynamoDB Local must not outlive it.
    Thread lifeline = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // nothing is ever sent
        }
      } catch (java.io.IOException ignored) {
        // a broken pipe is the same news
      }
      Runtime.getRuntime().halt(0);
    }, "lifeline");
    lifeline.setDaemon(true);
    lifeline.start();
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1");
    proxy.join();
  }
}
