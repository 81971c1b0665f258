// site script
