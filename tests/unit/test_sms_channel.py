"""SMS_PROVIDER picks the channel: `twilio` is the official library on Twilio's own domain, `standin` the same
library pointed at the local stand-in, `log` the JSON log; anything else is refused at start."""

from __future__ import annotations

import pytest

from common.settings import load_settings
from services.notifications.sms import LogSms, SmsNotConfigured, TwilioSms, sms_channel

TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "token", "TWILIO_FROM": "+15005550006"}


def test_twilio_sends_through_the_library_on_twilios_own_domain():
    channel = sms_channel(load_settings("notifications", env={"SMS_PROVIDER": "twilio", **TWILIO}))
    assert isinstance(channel, TwilioSms) and channel.base_url is None
    client = channel.client()
    assert (client.username, client.password) == (TWILIO["TWILIO_ACCOUNT_SID"], "token")
    assert client.api.base_url == "https://api.twilio.com"


def test_the_stand_in_is_the_same_library_pointed_at_its_url():
    settings = load_settings("notifications", env={"SMS_PROVIDER": "standin", **TWILIO})
    channel = sms_channel(settings)
    assert isinstance(channel, TwilioSms) and channel.client().api.base_url == settings.sms_standin_url


def test_twilio_without_its_keys_says_which_to_set():
    channel = sms_channel(load_settings("notifications", env={"SMS_PROVIDER": "twilio"}))
    with pytest.raises(SmsNotConfigured, match="TWILIO_ACCOUNT_SID"):
        channel.send("+14155552671", "hi", "d1")


def test_log_and_an_unknown_provider():
    assert isinstance(sms_channel(load_settings("notifications", env={"SMS_PROVIDER": "log"})), LogSms)
    with pytest.raises(ValueError, match="SMS_PROVIDER"):
        sms_channel(load_settings("notifications", env={"SMS_PROVIDER": "carrier-pigeon"}))
