package dev.ssegateway.gateway.config;

/**
 * A setting the node cannot start with. Its message is the one line an operator sees: the
 * variable, what is wrong with the value, and what is accepted. It carries no stack trace: the
 * trace of a configuration mistake only hides the line that matters.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private final Setting setting;

  InvalidSettingException(Setting setting, String problem, String accepted) {
    super(setting.env() + ": " + problem + "; accepted: " + accepted, null);
    this.setting = setting;
  }

  public Setting setting() {
    return setting;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
