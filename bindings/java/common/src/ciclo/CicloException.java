package ciclo;

/**
 * A failed ciclo call: the status code ({@link Status}) and the library's
 * message, naming the field at fault. {@link #getMessage()} gives both, as
 * {@code "CICLO_STATUS_NOT_FOUND: customer `x` not found"}.
 */
public final class CicloException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String statusName;
    private final String errorMessage;

    public CicloException(int status, String statusName, String errorMessage) {
        super(statusName + ": " + errorMessage);
        this.status = status;
        this.statusName = statusName;
        this.errorMessage = errorMessage;
    }

    /** The status code, one of {@link Status}. */
    public int status() {
        return status;
    }

    /** The status code's C name, {@code "CICLO_STATUS_NOT_FOUND"}. */
    public String statusName() {
        return statusName;
    }

    /** The library's message, without the status name. */
    public String errorMessage() {
        return errorMessage;
    }
}
