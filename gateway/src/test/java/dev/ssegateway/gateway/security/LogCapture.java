package dev.ssegateway.gateway.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records every log event of this JVM while open, with the gateway's and the auth library's
 * loggers turned up to DEBUG, so a test can look for strings that must never be logged.
 */
final class LogCapture implements AutoCloseable {
  private static final List<String> VERBOSE = List.of("dev.ssegateway", "sse.connections", "io.vertx.ext.auth", "io.vertx.ext.web");

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;
  private final List<Level> previous = new ArrayList<>();

  LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
    for (String name : VERBOSE) {
      Logger logger = context.getLogger(name);
      previous.add(logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  /** Every captured line: the formatted message, its arguments and any exception text. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object arg : e.getArgumentArray()) {
          sb.append(' ').append(arg);
        }
      }
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        sb.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  /** The captured lines at WARN or ERROR, as {@link #lines} formats them. */
  List<String> warnings() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
        StringBuilder sb = new StringBuilder(e.getLevel().toString()).append(' ').append(e.getLoggerName())
            .append(' ').append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          sb.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        lines.add(sb.toString());
      }
    }
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (int i = 0; i < VERBOSE.size(); i++) {
      context.getLogger(VERBOSE.get(i)).setLevel(previous.get(i));
    }
  }
}
