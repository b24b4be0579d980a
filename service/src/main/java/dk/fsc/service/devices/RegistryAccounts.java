package dk.fsc.service.devices;

/**
 * For the embedded broker (and any broker that asks the device registry at each login): the
 * devices table is the account list, so there is nothing to push. A retired device is refused at
 * its next login.
 */
final class RegistryAccounts implements BrokerAccounts {
    @Override
    public void issue(String deviceId, String username, String password) {
    }

    @Override
    public void revoke(String deviceId, String username) {
    }

    @Override
    public String describe() {
        return "the device registry (the broker checks the devices table at each login)";
    }
}
